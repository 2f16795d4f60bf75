/**
 * Tool `manage_task`: create, update or delete a task of a project.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { descriptionSchema, MAX_FEATURE_CHARS, titleSchema } from "../../archon/limits";
import {
	createdResult,
	deletedResult,
	MANAGED,
	newRowInProject,
	targetRow,
	updatedResult,
} from "../../archon/managed-rows";
import { openProject } from "../../archon/project-access";
import { archonCall, changesOf, WRITE_ANNOTATIONS } from "../../archon/tool-call";
import { TASK_STATUSES, taskView } from "../../archon/views";
import { deleteTask, insertTask } from "../../db/task-queries";
import type { ToolContext } from "../tool-context";

/** Archon's assignee of a task nobody was named for. */
const DEFAULT_ASSIGNEE = "User";

const input = z.object({
	action: z.enum(["create", "update", "delete"]),
	task_id: z.string().max(100).optional().describe("The task handle (tsk_…) to update or delete."),
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe(
			"The project handle (prj_…) the task belongs to: required to create; on update, moves the task.",
		),
	title: titleSchema.optional().describe("Required to create."),
	description: descriptionSchema.optional(),
	status: z.enum(TASK_STATUSES).optional().describe("todo (default) | doing | review | done."),
	assignee: z
		.string()
		.trim()
		.min(1)
		.max(100)
		.optional()
		.describe(`Who works on it: "User", "Archon", an agent's name… Default "${DEFAULT_ASSIGNEE}".`),
	task_order: z
		.number()
		.int()
		.min(-1_000_000)
		.max(1_000_000)
		.optional()
		.describe("Priority within its status: higher comes first. Default 0."),
	feature: z
		.string()
		.trim()
		.max(MAX_FEATURE_CHARS)
		.nullable()
		.optional()
		.describe("The feature the task belongs to (see get_project_features)."),
	shared: z.boolean().optional().describe("When true, every user can see (not change) the task."),
});

const output = z.object({
	action: z.enum(["create", "update", "delete"]),
	task: taskView.optional(),
	task_id: z.string(),
	message: z.string(),
});

/** Registers `manage_task` on `server`. */
export function registerManageTask(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"manage_task",
		{
			title: "Manage a task",
			description:
				"Creates, updates or deletes an Archon task. `create` needs `project_id` (a project handle, `prj_…`, of a project you own, or any as an admin, that is not archived) and `title`, and returns the task's handle (`task_id`, `tsk_…`), valid until the task or its project is permanently deleted. `update` changes only the fields you pass — typically `status` (todo → doing → review → done) or `assignee`. `delete` removes the task for good. Only the task's owner or an admin may change it.",
			inputSchema: input,
			outputSchema: output,
			annotations: WRITE_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.action === "create") {
					const row = await insertTask(call.db, {
						...(await newRowInProject(call, "task", args)),
						description: args.description ?? "",
						status: args.status ?? "todo",
						assignee: args.assignee ?? DEFAULT_ASSIGNEE,
						feature: args.feature ?? null,
						taskOrder: args.task_order ?? 0,
					});
					return createdResult(call, MANAGED.task, row);
				}
				const existing = await targetRow(call, MANAGED.task, args.task_id, args.action);
				if (args.action === "delete") {
					await deleteTask(call.db, existing.id);
					return deletedResult(MANAGED.task, existing);
				}
				if (args.project_id !== undefined) await openProject(call, args.project_id);
				const changes = changesOf({
					projectId: args.project_id,
					title: args.title,
					description: args.description,
					status: args.status,
					assignee: args.assignee,
					taskOrder: args.task_order,
					feature: args.feature,
					shared: args.shared,
				});
				return updatedResult(call, MANAGED.task, existing.id, { ...changes, updatedAt: call.now });
			}),
	);
}
