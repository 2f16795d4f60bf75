/**
 * Tool `manage_project`: create, update or delete a project. Delete archives
 * the project (its tasks, documents and versions are kept) unless
 * `permanent: true`, which removes it with everything in it.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import {
	boundedJson,
	descriptionSchema,
	MAX_FEATURE_CHARS,
	MAX_FEATURES,
	titleSchema,
} from "../../archon/limits";
import {
	createdResult,
	MANAGED,
	newRow,
	targetRow,
	updatedResult,
} from "../../archon/managed-rows";
import { archonCall, changesOf, WRITE_ANNOTATIONS } from "../../archon/tool-call";
import { projectView, toProjectView } from "../../archon/views";
import { deleteProjectPermanently, insertProject, updateProject } from "../../db/project-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	action: z.enum(["create", "update", "delete"]),
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe("The project handle (prj_…) to update or delete."),
	title: titleSchema.optional().describe("Required to create."),
	description: descriptionSchema.optional(),
	github_repo: z.string().max(500).nullable().optional(),
	pinned: z.boolean().optional(),
	shared: z
		.boolean()
		.optional()
		.describe("When true, every user can see (not change) the project. Default false."),
	features: z
		.array(z.string().trim().min(1).max(MAX_FEATURE_CHARS))
		.max(MAX_FEATURES)
		.optional()
		.describe("The project's feature names; replaces the list."),
	data: boundedJson.optional().describe("Free-form JSON the project keeps (at most 64 KiB)."),
	archived: z.boolean().optional().describe("With update: false restores an archived project."),
	permanent: z
		.boolean()
		.optional()
		.describe(
			"With delete: remove the project and its tasks, documents and versions for good. Default false: archive it.",
		),
});

const output = z.object({
	action: z.enum(["create", "update", "delete"]),
	project: projectView.optional(),
	project_id: z.string(),
	deleted: z.enum(["archived", "permanently"]).optional(),
	message: z.string(),
});

/** Registers `manage_project` on `server`. */
export function registerManageProject(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"manage_project",
		{
			title: "Manage a project",
			description:
				"Creates, updates or deletes an Archon project. `create` needs `title` and returns the new project's handle (`project_id`, `prj_…`), which stays valid until the project is permanently deleted; use it with find_tasks, manage_task and the other tools. `update` changes only the fields you pass (`features` replaces the list; `archived: false` restores an archived project). `delete` archives the project: it disappears from find_projects (unless include_archived) but its tasks and documents are kept; with `permanent: true` it and everything in it are removed for good. Only the owner or an admin may change a project; shared projects are read-only to others.",
			inputSchema: input,
			outputSchema: output,
			annotations: WRITE_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const { viewer, now } = call;
				if (args.action === "create") {
					const row = await insertProject(call.db, {
						...newRow(call, "project", args),
						description: args.description ?? "",
						githubRepo: args.github_repo ?? null,
						pinned: args.pinned ?? false,
						features: JSON.stringify(args.features ?? []),
						data: JSON.stringify(args.data ?? {}),
					});
					return createdResult(call, MANAGED.project, row);
				}
				const existing = await targetRow(call, MANAGED.project, args.project_id, args.action);
				const id = existing.id;
				if (args.action === "delete") {
					if (args.permanent) {
						await deleteProjectPermanently(call.db, id);
						return {
							action: "delete",
							project_id: id,
							deleted: "permanently",
							message: `Deleted project "${existing.title}" with its tasks, documents and versions.`,
						};
					}
					const row = await updateProject(call.db, id, { archivedAt: now, updatedAt: now });
					return {
						action: "delete",
						project_id: id,
						deleted: "archived",
						...(row ? { project: toProjectView(row, viewer.userId, "full") } : {}),
						message: `Archived project "${existing.title}"; its tasks and documents are kept.`,
					};
				}
				const { archived, ...changes } = changesOf({
					title: args.title,
					description: args.description,
					githubRepo: args.github_repo,
					pinned: args.pinned,
					shared: args.shared,
					features: args.features && JSON.stringify(args.features),
					data: args.data === undefined ? undefined : JSON.stringify(args.data),
					archived: args.archived,
				});
				return updatedResult(call, MANAGED.project, id, {
					...changes,
					...(archived === undefined ? {} : { archivedAt: archived ? now : null }),
					updatedAt: now,
				});
			}),
	);
}
