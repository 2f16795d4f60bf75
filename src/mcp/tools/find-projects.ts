/**
 * Tool `find_projects`: the caller's projects (and those shared with them),
 * filtered by free text and paginated; or one project by its handle.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { querySchema } from "../../archon/limits";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { visibleProject } from "../../archon/project-access";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { projectView, toProjectView } from "../../archon/views";
import { listProjects } from "../../db/project-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe("A project handle (prj_…): returns that project in full instead of a list."),
	query: querySchema.optional(),
	include_archived: z
		.boolean()
		.optional()
		.describe("Also list projects deleted without permanent: true (default false)."),
	...pageInput,
});

const output = z.object({
	project: projectView.optional().describe("The project asked for by project_id."),
	projects: z.array(projectView).optional().describe("A page of projects, pinned first."),
	count: z.number().int().optional().describe("Projects on this page."),
	pagination: pageOutput.optional(),
});

/** Registers `find_projects` on `server`. */
export function registerFindProjects(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"find_projects",
		{
			title: "Find projects",
			description:
				"Lists the Archon projects you own or that are shared with you, pinned first, then most recently updated; `query` filters by text in title or description. Pass `project_id` (a project handle, `prj_…`, returned by this tool and manage_project; valid until the project is permanently deleted) to get one project with its full description. Lists are paginated: pass `next_cursor` back as `cursor` for the next page, or use `page`/`per_page` (at most 50). Descriptions in lists are cut to 500 characters.",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.project_id !== undefined) {
					const row = await visibleProject(call, args.project_id);
					return { project: toProjectView(row, call.viewer.userId, "full") };
				}
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listProjects(
					call.db,
					call.viewer,
					{ query: args.query, includeArchived: args.include_archived },
					{ limit: request.perPage + 1, offset: request.offset },
				);
				const { items, page } = pageOf(rows, request);
				const projects = items.map((row) => toProjectView(row, call.viewer.userId, "summary"));
				return { projects, count: projects.length, pagination: page };
			}),
	);
}
