/**
 * Queries on `archon_versions` and the project fields they snapshot. Every
 * function takes the database first; reads take the viewer and see a version
 * exactly when `visibleTo` lets them see its project, as it is now: whoever
 * made the snapshot, and whether the project was shared then, does not
 * matter. A version is never changed once written.
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { documents, projects, type VersionedField, versions } from "./archon-schema";
import type { Database } from "./database";
import { type Viewer, visibleTo } from "./visibility";

/** A version row as read. */
export type VersionRow = typeof versions.$inferSelect;

/** A version to write; its number is the next one of its project and field. */
export type NewVersion = Omit<typeof versions.$inferInsert, "versionNumber">;

/** Most documents a `docs` snapshot holds. */
export const MAX_SNAPSHOT_DOCUMENTS = 200;

/** D1 binds at most 100 parameters per statement; a document row binds 10. */
const DOCUMENTS_PER_STATEMENT = 9;

/** Writes `row` as the next version of its project and field. */
export async function insertVersion(db: Database, row: NewVersion): Promise<VersionRow> {
	const next = sql<number>`(SELECT coalesce(max(${versions.versionNumber}), 0) + 1 FROM ${versions} WHERE ${versions.projectId} = ${row.projectId} AND ${versions.fieldName} = ${row.fieldName})`;
	const [created] = await db
		.insert(versions)
		.values({ ...row, versionNumber: next })
		.returning();
	return created as VersionRow;
}

/** The version `id` if `viewer` may see it, else undefined. */
export async function findVisibleVersion(
	db: Database,
	viewer: Viewer,
	id: string,
): Promise<VersionRow | undefined> {
	const [row] = await db
		.select({ version: versions })
		.from(versions)
		.innerJoin(projects, eq(projects.id, versions.projectId))
		.where(and(eq(versions.id, id), visibleTo(projects, viewer)))
		.limit(1);
	return row?.version;
}

/** Filters of a version listing. */
export interface VersionFilter {
	readonly projectId: string;
	readonly fieldName?: VersionedField | undefined;
	readonly versionNumber?: number | undefined;
}

/** Versions of a project `viewer` may see, newest first. */
export async function listVersions(
	db: Database,
	viewer: Viewer,
	filter: VersionFilter,
	page: { limit: number; offset: number },
): Promise<VersionRow[]> {
	const conditions: (SQL | undefined)[] = [
		visibleTo(projects, viewer),
		eq(versions.projectId, filter.projectId),
	];
	if (filter.fieldName !== undefined) conditions.push(eq(versions.fieldName, filter.fieldName));
	if (filter.versionNumber !== undefined) {
		conditions.push(eq(versions.versionNumber, filter.versionNumber));
	}
	const rows = await db
		.select({ version: versions })
		.from(versions)
		.innerJoin(projects, eq(projects.id, versions.projectId))
		.where(and(...conditions))
		.orderBy(desc(versions.createdAt), desc(versions.versionNumber), versions.id)
		.limit(page.limit)
		.offset(page.offset);
	return rows.map((row) => row.version);
}

/** The documents of a project as a `docs` snapshot holds them, oldest first, at most `MAX_SNAPSHOT_DOCUMENTS`. */
export async function projectDocuments(db: Database, projectId: string) {
	return db
		.select({
			title: documents.title,
			documentType: documents.documentType,
			content: documents.content,
			tags: documents.tags,
			shared: documents.shared,
		})
		.from(documents)
		.where(eq(documents.projectId, projectId))
		.orderBy(documents.createdAt, documents.id)
		.limit(MAX_SNAPSHOT_DOCUMENTS + 1);
}

/** Replaces every document of a project with `rows`, in one batch. */
export async function replaceProjectDocuments(
	db: Database,
	projectId: string,
	rows: (typeof documents.$inferInsert)[],
): Promise<void> {
	const inserts: BatchItem<"sqlite">[] = [];
	for (let start = 0; start < rows.length; start += DOCUMENTS_PER_STATEMENT) {
		inserts.push(db.insert(documents).values(rows.slice(start, start + DOCUMENTS_PER_STATEMENT)));
	}
	await db.batch([db.delete(documents).where(eq(documents.projectId, projectId)), ...inserts]);
}

/** Sets a project field (features or data) to a snapshot's JSON text. */
export async function restoreProjectField(
	db: Database,
	projectId: string,
	field: "features" | "data",
	json: string,
	now: number,
): Promise<void> {
	await db
		.update(projects)
		.set({ [field]: json, updatedAt: now })
		.where(eq(projects.id, projectId));
}
