/**
 * Tool `get_project_features`: the feature list of one project, as tasks
 * name them in their `feature` field.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { visibleProject } from "../../archon/project-access";
import { archonCall, READ_ANNOTATIONS } from "../../archon/tool-call";
import { parseStrings } from "../../archon/views";
import type { ToolContext } from "../tool-context";

const input = z.object({
	project_id: z.string().max(100).describe("The project handle (prj_…)."),
});

const output = z.object({
	project_id: z.string(),
	features: z.array(z.string()),
	count: z.number().int(),
});

/** Registers `get_project_features` on `server`. */
export function registerGetProjectFeatures(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"get_project_features",
		{
			title: "Get project features",
			description:
				"Returns the feature names of a project (at most 100), the values tasks use in their `feature` field. `project_id` is a project handle (`prj_…`) from find_projects or manage_project, valid until the project is permanently deleted. Set features with manage_project (update, `features`).",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const row = await visibleProject(call, args.project_id);
				const features = parseStrings(row.features);
				return { project_id: row.id, features, count: features.length };
			}),
	);
}
