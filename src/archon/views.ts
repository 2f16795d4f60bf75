/**
 * What the Archon tools return for a project, a task, a document or a version: snake_case fields as
 * in Archon, ISO times, and zod schemas the tools declare as output schemas.
 */
import { z } from "zod";
import type { DocumentRow } from "../db/document-queries";
import type { ProjectRow } from "../db/project-queries";
import type { TaskRow } from "../db/task-queries";
import type { VersionRow } from "../db/version-queries";
import { cutChars } from "../mcp/stored-strings";
import { LIST_DESCRIPTION_CHARS } from "./limits";

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
			detail === "full" ? row.description : cutChars(row.description, LIST_DESCRIPTION_CHARS),
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
			detail === "full" ? row.description : cutChars(row.description, LIST_DESCRIPTION_CHARS),
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

/** A document as a tool returns it; `content` only when asked for by id. */
export const documentView = z.object({
	id: z.string().describe("Document handle (doc_…)."),
	project_id: z.string(),
	title: z.string(),
	document_type: z.string(),
	tags: z.array(z.string()),
	content: z.unknown().optional().describe("The JSON content (only when got by document_id)."),
	content_chars: z.number().int().describe("Length of the content's JSON text."),
	shared: z.boolean(),
	owned_by_you: z.boolean(),
	created_at: z.string(),
	updated_at: z.string(),
});

/** The view of a document row for a caller `userId`. */
export function toDocumentView(
	row: DocumentRow,
	userId: string | null,
	detail: Detail,
): z.infer<typeof documentView> {
	return {
		id: row.id,
		project_id: row.projectId,
		title: row.title,
		document_type: row.documentType,
		tags: parseStrings(row.tags),
		...(detail === "full" ? { content: JSON.parse(row.content) as unknown } : {}),
		content_chars: row.content.length,
		shared: row.shared,
		owned_by_you: row.userId === userId,
		created_at: new Date(row.createdAt).toISOString(),
		updated_at: new Date(row.updatedAt).toISOString(),
	};
}

/** The project fields a version may snapshot. */
export const VERSIONED_FIELDS = ["docs", "features", "data"] as const;

/** A version as a tool returns it; `content` only when asked for one. */
export const versionView = z.object({
	id: z.string().describe("Version handle (ver_…)."),
	project_id: z.string(),
	field_name: z.enum(VERSIONED_FIELDS),
	version_number: z.number().int(),
	change_summary: z.string(),
	created_by: z.string(),
	content: z.unknown().optional().describe("The snapshot (only when one version is asked for)."),
	content_chars: z.number().int(),
	created_at: z.string(),
});

/** The view of a version row. */
export function toVersionView(row: VersionRow, detail: Detail): z.infer<typeof versionView> {
	return {
		id: row.id,
		project_id: row.projectId,
		field_name: row.fieldName,
		version_number: row.versionNumber,
		change_summary: row.changeSummary,
		created_by: row.createdBy,
		...(detail === "full" ? { content: JSON.parse(row.content) as unknown } : {}),
		content_chars: row.content.length,
		created_at: new Date(row.createdAt).toISOString(),
	};
}
