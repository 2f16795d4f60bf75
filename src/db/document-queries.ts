/**
 * Queries on `archon_documents`. Every function takes the database first;
 * reads take the viewer and see only what `visibleTo` lets them.
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { documents } from "./archon-schema";
import type { Database } from "./database";
import { containsPattern, type Viewer, visibleTo } from "./visibility";

/** A document row as read. */
export type DocumentRow = typeof documents.$inferSelect;

/** Filters of a document listing. */
export interface DocumentFilter {
	readonly projectId: string;
	readonly documentType?: string | undefined;
	readonly query?: string | undefined;
}

/** Inserts a document. */
export async function insertDocument(
	db: Database,
	row: typeof documents.$inferInsert,
): Promise<DocumentRow> {
	const [created] = await db.insert(documents).values(row).returning();
	return created as DocumentRow;
}

/** The document `id` if `viewer` may see it, else undefined. */
export async function findVisibleDocument(
	db: Database,
	viewer: Viewer,
	id: string,
): Promise<DocumentRow | undefined> {
	const [row] = await db
		.select()
		.from(documents)
		.where(and(eq(documents.id, id), visibleTo(documents, viewer)))
		.limit(1);
	return row;
}

/** Documents of a project `viewer` may see, most recently updated first. */
export async function listDocuments(
	db: Database,
	viewer: Viewer,
	filter: DocumentFilter,
	page: { limit: number; offset: number },
): Promise<DocumentRow[]> {
	const conditions: (SQL | undefined)[] = [
		visibleTo(documents, viewer),
		eq(documents.projectId, filter.projectId),
	];
	if (filter.documentType !== undefined) {
		conditions.push(eq(documents.documentType, filter.documentType));
	}
	if (filter.query) {
		// Titles, and the JSON text of content and tags.
		const pattern = containsPattern(filter.query);
		conditions.push(
			sql`(${documents.title} LIKE ${pattern} ESCAPE '\\' OR ${documents.content} LIKE ${pattern} ESCAPE '\\' OR ${documents.tags} LIKE ${pattern} ESCAPE '\\')`,
		);
	}
	return db
		.select()
		.from(documents)
		.where(and(...conditions))
		.orderBy(desc(documents.updatedAt), documents.id)
		.limit(page.limit)
		.offset(page.offset);
}

/** Applies `changes` to document `id` and returns the row as it now is. */
export async function updateDocument(
	db: Database,
	id: string,
	changes: Partial<typeof documents.$inferInsert>,
): Promise<DocumentRow | undefined> {
	const [row] = await db.update(documents).set(changes).where(eq(documents.id, id)).returning();
	return row;
}

/** Deletes document `id`. */
export async function deleteDocument(db: Database, id: string): Promise<void> {
	await db.delete(documents).where(eq(documents.id, id));
}
