/**
 * Project, task, document and version handles resolved against the caller: a row the
 * caller may see, or a refusal with the one "not found" message; a row the
 * caller may change, or a refusal saying it is read-only.
 */
import type { Database } from "../db/database";
import { type DocumentRow, findVisibleDocument } from "../db/document-queries";
import { findVisibleProject, type ProjectRow } from "../db/project-queries";
import { findVisibleTask, type TaskRow } from "../db/task-queries";
import { findVisibleVersion, type VersionRow } from "../db/version-queries";
import { mayChange, type Viewer } from "../db/visibility";
import { type HandleKind, isHandle, notFoundMessage } from "./handles";
import { type ArchonCall, ToolRefusal } from "./tool-call";

/** The project `id` names, if the caller may see it. */
export function visibleProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	return visible(call, "project", id, findVisibleProject);
}

/** The project `id` names, if the caller may change it. */
export async function changeableProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	return changeable(call, "Project", id, await visibleProject(call, id));
}

/**
 * The project `id` names, to add a task or document to: the caller may
 * change it (a shared project is read-only to others, so no row of theirs
 * lands in it unseen by its owner) and it is not archived.
 */
export async function openProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	const project = await changeableProject(call, id);
	if (project.archivedAt !== null) {
		throw new ToolRefusal(
			`Project "${id}" is archived: restore it with manage_project (update, archived: false) before adding to it.`,
		);
	}
	return project;
}

/** The task `id` names, if the caller may see it. */
export function visibleTask(call: ArchonCall, id: string): Promise<TaskRow> {
	return visible(call, "task", id, findVisibleTask);
}

/** The task `id` names, if the caller may change it. */
export async function changeableTask(call: ArchonCall, id: string): Promise<TaskRow> {
	return changeable(call, "Task", id, await visibleTask(call, id));
}

/** The document `id` names, if the caller may see it. */
export function visibleDocument(call: ArchonCall, id: string): Promise<DocumentRow> {
	return visible(call, "document", id, findVisibleDocument);
}

/** The document `id` names, if the caller may change it. */
export async function changeableDocument(call: ArchonCall, id: string): Promise<DocumentRow> {
	return changeable(call, "Document", id, await visibleDocument(call, id));
}

/** The version `id` names, if the caller may see it. */
export function visibleVersion(call: ArchonCall, id: string): Promise<VersionRow> {
	return visible(call, "version", id, findVisibleVersion);
}

/** The row a handle of `kind` names, if the caller may see it; a malformed handle is never looked up. */
async function visible<T>(
	call: ArchonCall,
	kind: HandleKind,
	id: string,
	find: (db: Database, viewer: Viewer, id: string) => Promise<T | undefined>,
): Promise<T> {
	const row = isHandle(kind, id) ? await find(call.db, call.viewer, id) : undefined;
	if (row === undefined) throw new ToolRefusal(notFoundMessage(kind, `${kind}_id`, id));
	return row;
}

/** `row`, if the caller may change it. */
function changeable<T extends { userId: string | null }>(
	call: ArchonCall,
	label: string,
	id: string,
	row: T,
): T {
	if (!mayChange(call.viewer, row.userId)) {
		throw new ToolRefusal(
			`${label} "${id}" is shared with you read-only: only its owner or an admin may change it.`,
		);
	}
	return row;
}
