/**
 * Tool `find_tasks`: tasks the caller may see, filtered by project, status,
 * assignee, feature and free text, and paginated; or one task by its handle.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { querySchema } from "../../archon/limits";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { visibleProject, visibleTask } from "../../archon/project-access";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { TASK_STATUSES, taskView, toTaskView } from "../../archon/views";
import { listTasks, type TaskFilter } from "../../db/task-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	task_id: z
		.string()
		.max(100)
		.optional()
		.describe("A task handle (tsk_…): returns that task in full instead of a list."),
	project_id: z.string().max(100).optional().describe("Only tasks of this project handle (prj_…)."),
	filter_by: z
		.enum(["status", "project", "assignee", "feature"])
		.optional()
		.describe("Archon's filter: which field filter_value is matched against."),
	filter_value: z.string().max(200).optional(),
	query: querySchema.optional(),
	include_closed: z
		.boolean()
		.optional()
		.describe("Also list done tasks (default false, unless filtering by status)."),
	...pageInput,
});

const output = z.object({
	task: taskView.optional().describe("The task asked for by task_id."),
	tasks: z.array(taskView).optional().describe("A page of tasks, highest task_order first."),
	count: z.number().int().optional(),
	pagination: pageOutput.optional(),
});

/** Registers `find_tasks` on `server`. */
export function registerFindTasks(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"find_tasks",
		{
			title: "Find tasks",
			description:
				"Lists Archon tasks you own or that are shared with you, highest task_order first; done tasks only with include_closed or filter_by status. Filter with `project_id` (a project handle, `prj_…`), `filter_by` (status | project | assignee | feature) and `filter_value`, and `query` (text in title or description). Pass `task_id` (a task handle, `tsk_…`, from this tool or manage_task; valid until the task or its project is permanently deleted) to get one task in full. Paginated: pass `next_cursor` back as `cursor`, or use `page`/`per_page` (at most 50).",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.task_id !== undefined) {
					const row = await visibleTask(call, args.task_id);
					return { task: toTaskView(row, call.viewer.userId, "full") };
				}
				const filter = taskFilter(args);
				if (filter.projectId !== undefined) await visibleProject(call, filter.projectId);
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listTasks(call.db, call.viewer, filter, {
					limit: request.perPage + 1,
					offset: request.offset,
				});
				const { items, page } = pageOf(rows, request);
				const tasks = items.map((row) => toTaskView(row, call.viewer.userId, "summary"));
				return { tasks, count: tasks.length, pagination: page };
			}),
	);
}

/** The listing filter of `args`, with Archon's filter_by/filter_value folded in. */
function taskFilter(args: z.infer<typeof input>): TaskFilter {
	const filter: {
		-readonly [K in keyof TaskFilter]: TaskFilter[K];
	} = { projectId: args.project_id, query: args.query, includeClosed: args.include_closed };
	if (args.filter_by === undefined) return filter;
	const value = args.filter_value;
	if (value === undefined) throw new ToolRefusal("filter_value is required with filter_by.");
	if (args.filter_by === "status") {
		const status = TASK_STATUSES.find((s) => s === value);
		if (!status) throw new ToolRefusal(`status must be one of ${TASK_STATUSES.join(", ")}.`);
		filter.status = status;
	} else if (args.filter_by === "project") filter.projectId = value;
	else if (args.filter_by === "assignee") filter.assignee = value;
	else filter.feature = value;
	return filter;
}
