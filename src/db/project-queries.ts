/**
 * Queries on `archon_projects`. Every function takes the database first;
 * reads take the viewer and see only what `visibleTo` lets them.
 */
import { and, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { documents, projects, tasks, versions } from "./archon-schema";
import type { Database } from "./database";
import { containsPattern, type Viewer, visibleTo } from "./visibility";

/** A project row as read. */
export type ProjectRow = typeof projects.$inferSelect;

/** Filters of a project listing. */
export interface ProjectFilter {
	readonly query?: string | undefined;
	readonly includeArchived?: boolean | undefined;
}

/** Inserts a project. */
export async function insertProject(
	db: Database,
	row: typeof projects.$inferInsert,
): Promise<ProjectRow> {
	const [created] = await db.insert(projects).values(row).returning();
	return created as ProjectRow;
}

/** The project `id` if `viewer` may see it (archived or not), else undefined. */
export async function findVisibleProject(
	db: Database,
	viewer: Viewer,
	id: string,
): Promise<ProjectRow | undefined> {
	const [row] = await db
		.select()
		.from(projects)
		.where(and(eq(projects.id, id), visibleTo(projects, viewer)))
		.limit(1);
	return row;
}

/** Projects `viewer` may see, pinned first, then most recently updated; `limit` rows from `offset`. */
export async function listProjects(
	db: Database,
	viewer: Viewer,
	filter: ProjectFilter,
	page: { limit: number; offset: number },
): Promise<ProjectRow[]> {
	const conditions: (SQL | undefined)[] = [visibleTo(projects, viewer)];
	if (!filter.includeArchived) conditions.push(isNull(projects.archivedAt));
	if (filter.query) {
		const pattern = containsPattern(filter.query);
		conditions.push(
			or(
				sql`${projects.title} LIKE ${pattern} ESCAPE '\\'`,
				sql`${projects.description} LIKE ${pattern} ESCAPE '\\'`,
			),
		);
	}
	return db
		.select()
		.from(projects)
		.where(and(...conditions))
		.orderBy(desc(projects.pinned), desc(projects.updatedAt), projects.id)
		.limit(page.limit)
		.offset(page.offset);
}

/** Applies `changes` to project `id` and returns the row as it now is. */
export async function updateProject(
	db: Database,
	id: string,
	changes: Partial<typeof projects.$inferInsert>,
): Promise<ProjectRow | undefined> {
	const [row] = await db.update(projects).set(changes).where(eq(projects.id, id)).returning();
	return row;
}

/** Deletes project `id` with its tasks, documents and versions, in one batch. */
export async function deleteProjectPermanently(db: Database, id: string): Promise<void> {
	await db.batch([
		db.delete(tasks).where(eq(tasks.projectId, id)),
		db.delete(documents).where(eq(documents.projectId, id)),
		db.delete(versions).where(eq(versions.projectId, id)),
		db.delete(projects).where(eq(projects.id, id)),
	]);
}
