/**
 * Project, task and document handles resolved against the caller: a row the caller may
 * see, or a refusal with the one "not found" message; a row the caller may
 * change, or a refusal saying it is read-only.
 */
import { type DocumentRow, findVisibleDocument } from "../db/document-queries";
import { findVisibleProject, type ProjectRow } from "../db/project-queries";
import { findVisibleTask, type TaskRow } from "../db/task-queries";
import { mayChange } from "../db/visibility";
import { isHandle, notFoundMessage } from "./handles";
import { type ArchonCall, ToolRefusal } from "./tool-call";

/** The project `id` names, if the caller may see it. */
export async function visibleProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	const row = isHandle("project", id)
		? await findVisibleProject(call.db, call.viewer, id)
		: undefined;
	if (!row) throw new ToolRefusal(notFoundMessage("project", "project_id", id));
	return row;
}

/** The project `id` names, if the caller may change it. */
export async function changeableProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	const row = await visibleProject(call, id);
	if (!mayChange(call.viewer, row.userId)) throw new ToolRefusal(readOnly("Project", id));
	return row;
}

/** The task `id` names, if the caller may see it. */
export async function visibleTask(call: ArchonCall, id: string): Promise<TaskRow> {
	const row = isHandle("task", id) ? await findVisibleTask(call.db, call.viewer, id) : undefined;
	if (!row) throw new ToolRefusal(notFoundMessage("task", "task_id", id));
	return row;
}

/** The task `id` names, if the caller may change it. */
export async function changeableTask(call: ArchonCall, id: string): Promise<TaskRow> {
	const row = await visibleTask(call, id);
	if (!mayChange(call.viewer, row.userId)) throw new ToolRefusal(readOnly("Task", id));
	return row;
}

/** The document `id` names, if the caller may see it. */
export async function visibleDocument(call: ArchonCall, id: string): Promise<DocumentRow> {
	const row = isHandle("document", id)
		? await findVisibleDocument(call.db, call.viewer, id)
		: undefined;
	if (!row) throw new ToolRefusal(notFoundMessage("document", "document_id", id));
	return row;
}

/** The document `id` names, if the caller may change it. */
export async function changeableDocument(call: ArchonCall, id: string): Promise<DocumentRow> {
	const row = await visibleDocument(call, id);
	if (!mayChange(call.viewer, row.userId)) throw new ToolRefusal(readOnly("Document", id));
	return row;
}

/** The project `id` names, if the caller may see it and it is not archived (to add to it). */
export async function openProject(call: ArchonCall, id: string): Promise<ProjectRow> {
	const project = await visibleProject(call, id);
	if (project.archivedAt !== null) {
		throw new ToolRefusal(
			`Project "${id}" is archived: restore it with manage_project (update, archived: false) before adding to it.`,
		);
	}
	return project;
}

function readOnly(kind: string, id: string): string {
	return `${kind} "${id}" is shared with you read-only: only its owner or an admin may change it.`;
}
