/**
 * Tool `find_versions`: the version history of a project's fields, newest
 * first and paginated, without content; or one version with its snapshot.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { visibleProject, visibleVersion } from "../../archon/project-access";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { toVersionView, VERSIONED_FIELDS, versionView } from "../../archon/views";
import { listVersions } from "../../db/version-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe("The project handle (prj_…) whose versions to list; required unless version_id."),
	version_id: z
		.string()
		.max(100)
		.optional()
		.describe("A version handle (ver_…): returns that version with its snapshot."),
	field_name: z.enum(VERSIONED_FIELDS).optional().describe("Only versions of this field."),
	version_number: z
		.number()
		.int()
		.min(1)
		.optional()
		.describe("With project_id and field_name: returns that version with its snapshot."),
	...pageInput,
});

const output = z.object({
	version: versionView.optional().describe("The version asked for."),
	versions: z.array(versionView).optional().describe("A page of versions, without content."),
	count: z.number().int().optional(),
	pagination: pageOutput.optional(),
});

/** Registers `find_versions` on `server`. */
export function registerFindVersions(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"find_versions",
		{
			title: "Find versions",
			description:
				"Lists the immutable snapshots (versions) of a project's fields — docs (all its documents), features, data — newest first, without their content. `project_id` is a project handle (`prj_…`); filter with `field_name`. Get one version with its snapshot (at most 256 KiB) by `version_id` (a version handle, `ver_…`, valid until its project is permanently deleted) or by `project_id` + `field_name` + `version_number`. Paginated: pass `next_cursor` back as `cursor`, or use `page`/`per_page` (at most 50). Restore one with manage_version.",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.version_id !== undefined) {
					const row = await visibleVersion(call, args.version_id);
					return { version: toVersionView(row, "full") };
				}
				if (args.project_id === undefined) {
					throw new ToolRefusal("project_id is required to list versions (or pass version_id).");
				}
				await visibleProject(call, args.project_id);
				const filter = { projectId: args.project_id, fieldName: args.field_name };
				if (args.version_number !== undefined) {
					if (args.field_name === undefined) {
						throw new ToolRefusal("field_name is required with version_number.");
					}
					const [row] = await listVersions(
						call.db,
						call.viewer,
						{ ...filter, versionNumber: args.version_number },
						{ limit: 1, offset: 0 },
					);
					if (!row) {
						throw new ToolRefusal(
							`No version ${args.version_number} of ${args.field_name} is visible to you in this project.`,
						);
					}
					return { version: toVersionView(row, "full") };
				}
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listVersions(call.db, call.viewer, filter, {
					limit: request.perPage + 1,
					offset: request.offset,
				});
				const { items, page } = pageOf(rows, request);
				const versions = items.map((row) => toVersionView(row, "summary"));
				return { versions, count: versions.length, pagination: page };
			}),
	);
}
