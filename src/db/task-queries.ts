/**
 * Queries on `archon_tasks`. Every function takes the database first; reads
 * take the viewer and see only what `visibleTo` lets them.
 */
import { and, desc, eq, ne, or, type SQL, sql } from "drizzle-orm";
import { type TaskStatus, tasks } from "./archon-schema";
import type { Database } from "./database";
import { containsPattern, type Viewer, visibleTo } from "./visibility";

/** A task row as read. */
export type TaskRow = typeof tasks.$inferSelect;

/** Filters of a task listing; all optional. */
export interface TaskFilter {
	readonly projectId?: string | undefined;
	readonly status?: TaskStatus | undefined;
	readonly assignee?: string | undefined;
	readonly feature?: string | undefined;
	readonly query?: string | undefined;
	/** Include `done` tasks (Archon's `include_closed`). */
	readonly includeClosed?: boolean | undefined;
}

/** Inserts a task. */
export async function insertTask(db: Database, row: typeof tasks.$inferInsert): Promise<TaskRow> {
	const [created] = await db.insert(tasks).values(row).returning();
	return created as TaskRow;
}

/** The task `id` if `viewer` may see it, else undefined. */
export async function findVisibleTask(
	db: Database,
	viewer: Viewer,
	id: string,
): Promise<TaskRow | undefined> {
	const [row] = await db
		.select()
		.from(tasks)
		.where(and(eq(tasks.id, id), visibleTo(tasks, viewer)))
		.limit(1);
	return row;
}

/** Tasks `viewer` may see, highest `task_order` first, then most recently updated. */
export async function listTasks(
	db: Database,
	viewer: Viewer,
	filter: TaskFilter,
	page: { limit: number; offset: number },
): Promise<TaskRow[]> {
	const conditions: (SQL | undefined)[] = [visibleTo(tasks, viewer)];
	if (filter.projectId !== undefined) conditions.push(eq(tasks.projectId, filter.projectId));
	if (filter.status !== undefined) conditions.push(eq(tasks.status, filter.status));
	else if (!filter.includeClosed) conditions.push(ne(tasks.status, "done"));
	if (filter.assignee !== undefined) conditions.push(eq(tasks.assignee, filter.assignee));
	if (filter.feature !== undefined) conditions.push(eq(tasks.feature, filter.feature));
	if (filter.query) {
		const pattern = containsPattern(filter.query);
		conditions.push(
			or(
				sql`${tasks.title} LIKE ${pattern} ESCAPE '\\'`,
				sql`${tasks.description} LIKE ${pattern} ESCAPE '\\'`,
			),
		);
	}
	return db
		.select()
		.from(tasks)
		.where(and(...conditions))
		.orderBy(desc(tasks.taskOrder), desc(tasks.updatedAt), tasks.id)
		.limit(page.limit)
		.offset(page.offset);
}

/** Applies `changes` to task `id` and returns the row as it now is. */
export async function updateTask(
	db: Database,
	id: string,
	changes: Partial<typeof tasks.$inferInsert>,
): Promise<TaskRow | undefined> {
	const [row] = await db.update(tasks).set(changes).where(eq(tasks.id, id)).returning();
	return row;
}

/** Deletes task `id`. */
export async function deleteTask(db: Database, id: string): Promise<void> {
	await db.delete(tasks).where(eq(tasks.id, id));
}
