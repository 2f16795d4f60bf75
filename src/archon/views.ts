/**
 * What the Archon tools return for a project or a task: snake_case fields as
 * in Archon, ISO times, and zod schemas the tools declare as output schemas.
 */
import { z } from "zod";
import type { ProjectRow } from "../db/project-queries";
import type { TaskRow } from "../db/task-queries";
import { clip, LIST_DESCRIPTION_CHARS } from "./limits";

/** Task statuses, in the order work moves through them. */
export const TASK_STATUSES = ["todo", "doing", "review", "done"] as const;

/** A project as a tool returns it. */
export const projectView = z.object({
	id: z.string().describe("Project handle (prj_…)."),
	title: z.string(),
	description: z.string(),
	github_repo: z.string().nullable(),
	pinned: z.boolean(),
	shared: z.boolean(),
	features: z.array(z.string()),
	owned_by_you: z.boolean(),
	archived: z.boolean(),
	created_at: z.string(),
	updated_at: z.string(),
});

/** A task as a tool returns it. */
export const taskView = z.object({
	id: z.string().describe("Task handle (tsk_…)."),
	project_id: z.string(),
	title: z.string(),
	description: z.string(),
	status: z.enum(TASK_STATUSES),
	assignee: z.string(),
	feature: z.string().nullable(),
	task_order: z.number().int(),
	shared: z.boolean(),
	owned_by_you: z.boolean(),
	created_at: z.string(),
	updated_at: z.string(),
});

/** How much of a long text a view carries: all of it, or the first characters in lists. */
export type Detail = "full" | "summary";

/** The view of a project row for a caller `userId`. */
export function toProjectView(
	row: ProjectRow,
	userId: string | null,
	detail: Detail,
): z.infer<typeof projectView> {
	return {
		id: row.id,
		title: row.title,
		description:
			detail === "full" ? row.description : clip(row.description, LIST_DESCRIPTION_CHARS),
		github_repo: row.githubRepo,
		pinned: row.pinned,
		shared: row.shared,
		features: parseStrings(row.features),
		owned_by_you: row.userId === userId,
		archived: row.archivedAt !== null,
		created_at: new Date(row.createdAt).toISOString(),
		updated_at: new Date(row.updatedAt).toISOString(),
	};
}

/** The view of a task row for a caller `userId`. */
export function toTaskView(
	row: TaskRow,
	userId: string | null,
	detail: Detail,
): z.infer<typeof taskView> {
	return {
		id: row.id,
		project_id: row.projectId,
		title: row.title,
		description:
			detail === "full" ? row.description : clip(row.description, LIST_DESCRIPTION_CHARS),
		status: row.status,
		assignee: row.assignee,
		feature: row.feature,
		task_order: row.taskOrder,
		shared: row.shared,
		owned_by_you: row.userId === userId,
		created_at: new Date(row.createdAt).toISOString(),
		updated_at: new Date(row.updatedAt).toISOString(),
	};
}

/** A JSON array of strings from a column; empty when the text is anything else. */
export function parseStrings(text: string): string[] {
	try {
		const value = JSON.parse(text) as unknown;
		return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
	} catch {
		return [];
	}
}
