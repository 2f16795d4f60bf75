/**
 * What `manage_project`, `manage_task` and `manage_document` do alike: the
 * columns a new row starts with, the row an update or delete names (required,
 * and changeable by the caller), and the create, update and delete results
 * with their messages. Each tool keeps what differs: its fields, and what
 * deleting a project means (archive or `permanent`).
 */
import type { Database } from "../db/database";
import { type DocumentRow, updateDocument } from "../db/document-queries";
import { type ProjectRow, updateProject } from "../db/project-queries";
import { type TaskRow, updateTask } from "../db/task-queries";
import { newHandle } from "./handles";
import {
	changeableDocument,
	changeableProject,
	changeableTask,
	openProject,
} from "./project-access";
import { type ArchonCall, required, ToolRefusal } from "./tool-call";
import { toDocumentView, toProjectView, toTaskView } from "./views";

/** The kinds of row a `manage_*` tool creates, changes and deletes; each names its `<kind>_id` argument. */
export type ManagedKind = "project" | "task" | "document";

/** The columns the shared code reads from a row. */
interface TitledRow {
	readonly id: string;
	readonly title: string;
}

/** One kind of row as its `manage_*` tool changes it. */
export interface ManagedRows<Row extends TitledRow, Changes> {
	readonly kind: ManagedKind;
	/** The row `id` names, if the caller may change it; else the one not-found or read-only refusal. */
	readonly changeable: (call: ArchonCall, id: string) => Promise<Row>;
	/** Applies `changes` to row `id`; undefined when it is gone. */
	readonly update: (db: Database, id: string, changes: Changes) => Promise<Row | undefined>;
	/** The row in full, as `userId` sees it. */
	readonly view: (row: Row, userId: string | null) => object;
	/** Said after the title in an update's message, e.g. a task's new status. */
	readonly updateNote?: (row: Row) => string;
}

/** Projects, tasks and documents as their `manage_*` tools change them. */
export const MANAGED = {
	project: {
		kind: "project",
		changeable: changeableProject,
		update: updateProject,
		view: (row, userId) => toProjectView(row, userId, "full"),
	},
	task: {
		kind: "task",
		changeable: changeableTask,
		update: updateTask,
		view: (row, userId) => toTaskView(row, userId, "full"),
		updateNote: (row) => ` (${row.status})`,
	},
	document: {
		kind: "document",
		changeable: changeableDocument,
		update: updateDocument,
		view: (row, userId) => toDocumentView(row, userId, "full"),
	},
} as const satisfies {
	readonly project: ManagedRows<ProjectRow, Parameters<typeof updateProject>[2]>;
	readonly task: ManagedRows<TaskRow, Parameters<typeof updateTask>[2]>;
	readonly document: ManagedRows<DocumentRow, Parameters<typeof updateDocument>[2]>;
};

/** The arguments every `manage_*` create takes. */
interface CreateArgs {
	readonly title?: string | undefined;
	readonly shared?: boolean | undefined;
}

/** The columns every new row starts with: a new handle, the caller as owner, the title. */
export interface NewRow {
	readonly id: string;
	readonly userId: string | null;
	readonly shared: boolean;
	readonly title: string;
	readonly createdAt: number;
	readonly updatedAt: number;
}

/** The columns a new row of `kind` starts with; refuses a create without a title. */
export function newRow(call: ArchonCall, kind: ManagedKind, args: CreateArgs): NewRow {
	return {
		id: newHandle(kind),
		userId: call.viewer.userId,
		shared: args.shared ?? false,
		title: required(args.title, "title", `create a ${kind}`),
		createdAt: call.now,
		updatedAt: call.now,
	};
}

/**
 * The columns a new task or document starts with, in the project its
 * `project_id` names: required, and open to the caller's additions
 * (changeable and not archived).
 */
export async function newRowInProject(
	call: ArchonCall,
	kind: "task" | "document",
	args: CreateArgs & { readonly project_id?: string | undefined },
): Promise<NewRow & { readonly projectId: string }> {
	const projectId = required(args.project_id, "project_id", `create a ${kind}`);
	const row = newRow(call, kind, args);
	await openProject(call, projectId);
	return { ...row, projectId };
}

/** The result of a create: the row in full, its handle, and a sentence for the model. */
export function createdResult<Row extends TitledRow, Changes>(
	call: ArchonCall,
	rows: ManagedRows<Row, Changes>,
	row: Row,
): Record<string, unknown> {
	return {
		action: "create",
		[rows.kind]: rows.view(row, call.viewer.userId),
		[`${rows.kind}_id`]: row.id,
		message: `Created ${rows.kind} "${row.title}".`,
	};
}

/** The row an update or delete names by `id`, which is required; the caller must be allowed to change it. */
export function targetRow<Row extends TitledRow, Changes>(
	call: ArchonCall,
	rows: ManagedRows<Row, Changes>,
	id: string | undefined,
	action: "update" | "delete",
): Promise<Row> {
	return rows.changeable(call, required(id, `${rows.kind}_id`, `${action} a ${rows.kind}`));
}

/** Writes `changes` to row `id` and returns the update result; refuses when the row went meanwhile. */
export async function updatedResult<Row extends TitledRow, Changes>(
	call: ArchonCall,
	rows: ManagedRows<Row, Changes>,
	id: string,
	changes: Changes,
): Promise<Record<string, unknown>> {
	const row = await rows.update(call.db, id, changes);
	if (!row) throw new ToolRefusal(`${capitalized(rows.kind)} "${id}" was deleted meanwhile.`);
	return {
		action: "update",
		[rows.kind]: rows.view(row, call.viewer.userId),
		[`${rows.kind}_id`]: id,
		message: `Updated ${rows.kind} "${row.title}"${rows.updateNote?.(row) ?? ""}.`,
	};
}

/** The result of deleting `row` for good. */
export function deletedResult<Row extends TitledRow, Changes>(
	rows: ManagedRows<Row, Changes>,
	row: Row,
): Record<string, unknown> {
	const { kind } = rows;
	return { action: "delete", [`${kind}_id`]: row.id, message: `Deleted ${kind} "${row.title}".` };
}

function capitalized(kind: ManagedKind): string {
	return `${kind[0]?.toUpperCase()}${kind.slice(1)}`;
}
