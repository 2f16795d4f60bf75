/**
 * Snapshots of a project field for versions: what `docs`, `features` and
 * `data` hold now, as JSON text, and how a snapshot is written back.
 */

import type { VersionedField } from "../db/archon-schema";
import type { ProjectRow } from "../db/project-queries";
import {
	MAX_SNAPSHOT_DOCUMENTS,
	projectDocuments,
	replaceProjectDocuments,
	restoreProjectField,
} from "../db/version-queries";
import { newHandle } from "./handles";
import { type ArchonCall, ToolRefusal } from "./tool-call";

/** Largest snapshot, in characters of its JSON text (256 KiB), so one version stays a bounded result. */
export const MAX_SNAPSHOT_CHARS = 262_144;

/** A document as a `docs` snapshot holds it. */
interface SnapshotDocument {
	title: string;
	document_type: string;
	content: unknown;
	tags: unknown;
	shared: boolean;
}

/** The JSON text of `field` of `project` now; refuses a snapshot over the bounds. */
export async function snapshotOf(
	call: ArchonCall,
	project: ProjectRow,
	field: VersionedField,
): Promise<string> {
	let json: string;
	if (field === "features") json = project.features;
	else if (field === "data") json = project.data;
	else {
		const rows = await projectDocuments(call.db, project.id);
		if (rows.length > MAX_SNAPSHOT_DOCUMENTS) {
			throw new ToolRefusal(
				`The project has more than ${MAX_SNAPSHOT_DOCUMENTS} documents, too many for one docs version.`,
			);
		}
		const docs: SnapshotDocument[] = rows.map((row) => ({
			title: row.title,
			document_type: row.documentType,
			content: JSON.parse(row.content) as unknown,
			tags: JSON.parse(row.tags) as unknown,
			shared: row.shared,
		}));
		json = JSON.stringify(docs);
	}
	if (json.length > MAX_SNAPSHOT_CHARS) {
		throw new ToolRefusal(
			`The ${field} of this project is ${json.length} characters of JSON, over the ${MAX_SNAPSHOT_CHARS} a version may hold.`,
		);
	}
	return json;
}

/** Writes a snapshot's JSON text back into `field` of `project`. */
export async function restoreSnapshot(
	call: ArchonCall,
	project: ProjectRow,
	field: VersionedField,
	json: string,
): Promise<void> {
	if (field !== "docs") {
		await restoreProjectField(call.db, project.id, field, json, call.now);
		return;
	}
	const docs = JSON.parse(json) as SnapshotDocument[];
	await replaceProjectDocuments(
		call.db,
		project.id,
		docs.map((doc) => ({
			id: newHandle("document"),
			projectId: project.id,
			userId: call.viewer.userId,
			shared: doc.shared,
			title: doc.title,
			documentType: doc.document_type,
			content: JSON.stringify(doc.content),
			tags: JSON.stringify(doc.tags),
			createdAt: call.now,
			updatedAt: call.now,
		})),
	);
}
