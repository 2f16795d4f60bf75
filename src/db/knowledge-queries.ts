/**
 * Queries on the knowledge base's ordinary tables (`kb_sources`, `kb_pages`,
 * `kb_sections`, `kb_code_examples`); the full-text search over them is in
 * `src/knowledge/fts5-search.ts`. Every function takes the database first.
 * The knowledge base is shared, so reads take no viewer.
 */
import { and, asc, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./database";
import { kbCodeExamples, kbPages, kbSections, kbSources } from "./knowledge-schema";

/** A source row as read. */
export type SourceRow = typeof kbSources.$inferSelect;

/** A page row as read. */
export type PageRow = typeof kbPages.$inferSelect;

/** A page row without its content, for lists. */
export type PageSummaryRow = Omit<PageRow, "content">;

/** A section or code example to insert (its id comes from SQLite). */
export type NewSection = Omit<typeof kbSections.$inferInsert, "id">;
export type NewCodeExample = Omit<typeof kbCodeExamples.$inferInsert, "id">;

/** D1 binds at most 100 values per statement; rows per INSERT stay under that. */
const MAX_BOUND_VALUES = 100;

/** The source named `name`, created with `id` and `summary` if there is none; one row either way. */
export async function ensureSource(
	db: Database,
	row: { id: string; name: string; summary: string; now: number },
): Promise<SourceRow> {
	// ON CONFLICT: two ingests of a new source at once create it once.
	await db
		.insert(kbSources)
		.values({
			id: row.id,
			name: row.name,
			summary: row.summary,
			createdAt: row.now,
			updatedAt: row.now,
		})
		.onConflictDoNothing({ target: kbSources.name });
	const [source] = await db.select().from(kbSources).where(eq(kbSources.name, row.name)).limit(1);
	if (!source) throw new Error(`source "${row.name}" vanished right after it was written`);
	return source;
}

/** The source `id`, or undefined. */
export async function findSource(db: Database, id: string): Promise<SourceRow | undefined> {
	const [row] = await db.select().from(kbSources).where(eq(kbSources.id, id)).limit(1);
	return row;
}

/** Sources by name; `limit` rows from `offset`. */
export function listSources(
	db: Database,
	page: { limit: number; offset: number },
): Promise<SourceRow[]> {
	return db
		.select()
		.from(kbSources)
		.orderBy(asc(kbSources.name))
		.limit(page.limit)
		.offset(page.offset);
}

/** The page `id` with its content, or undefined. */
export async function findPage(db: Database, id: string): Promise<PageRow | undefined> {
	const [row] = await db.select().from(kbPages).where(eq(kbPages.id, id)).limit(1);
	return row;
}

/** Pages whose `url` is `url`, in any source or in `sourceId`; at most `limit`. */
export function findPagesByUrl(
	db: Database,
	url: string,
	sourceId: string | undefined,
	limit: number,
): Promise<PageRow[]> {
	const conditions: SQL[] = [eq(kbPages.url, url)];
	if (sourceId !== undefined) conditions.push(eq(kbPages.sourceId, sourceId));
	return db
		.select()
		.from(kbPages)
		.where(and(...conditions))
		.orderBy(kbPages.id)
		.limit(limit);
}

/** The pages of source `sourceId` by url, without their content; `limit` rows from `offset`. */
export function listPages(
	db: Database,
	sourceId: string,
	page: { limit: number; offset: number },
): Promise<PageSummaryRow[]> {
	const { content: _content, ...columns } = getTableColumns(kbPages);
	return db
		.select(columns)
		.from(kbPages)
		.where(eq(kbPages.sourceId, sourceId))
		.orderBy(asc(kbPages.url), kbPages.id)
		.limit(page.limit)
		.offset(page.offset);
}

/** The hash of every page of `sourceId` among `urls`, by url. */
export async function pageHashes(
	db: Database,
	sourceId: string,
	urls: readonly string[],
): Promise<Map<string, { id: string; contentHash: string }>> {
	if (urls.length === 0) return new Map();
	const rows = await db
		.select({ id: kbPages.id, url: kbPages.url, contentHash: kbPages.contentHash })
		.from(kbPages)
		.where(and(eq(kbPages.sourceId, sourceId), inArray(kbPages.url, [...urls])));
	return new Map(rows.map((row) => [row.url, { id: row.id, contentHash: row.contentHash }]));
}

/**
 * Writes one page with its sections and code examples in one D1 batch (one
 * transaction): a new page is inserted; an existing one (`replace`) keeps its
 * id and has its row updated and its sections and examples replaced. The
 * FTS5 triggers update the indexes in the same statements.
 */
export async function writePage(
	db: Database,
	page: typeof kbPages.$inferInsert,
	sections: readonly NewSection[],
	examples: readonly NewCodeExample[],
	replace: boolean,
): Promise<void> {
	const head: BatchItem<"sqlite">[] = replace
		? [
				db
					.update(kbPages)
					.set({
						title: page.title,
						content: page.content,
						contentHash: page.contentHash,
						wordCount: page.wordCount,
						sectionCount: page.sectionCount,
						codeExampleCount: page.codeExampleCount,
						updatedAt: page.updatedAt,
					})
					.where(eq(kbPages.id, page.id)),
				db.delete(kbSections).where(eq(kbSections.pageId, page.id)),
				db.delete(kbCodeExamples).where(eq(kbCodeExamples.pageId, page.id)),
			]
		: [db.insert(kbPages).values(page)];
	const inserts = [
		...chunks(sections, 6).map((rows) => db.insert(kbSections).values(rows)),
		...chunks(examples, 7).map((rows) => db.insert(kbCodeExamples).values(rows)),
	];
	const [first, ...rest] = [...head, ...inserts];
	if (first) await db.batch([first, ...rest]);
}

/** Recounts the pages, sections, examples and words of source `id`, and sets its summary if given. */
export async function refreshSource(
	db: Database,
	id: string,
	changes: { summary?: string | undefined; now: number },
): Promise<SourceRow | undefined> {
	const [row] = await db
		.update(kbSources)
		.set({
			pageCount: sql`(SELECT count(*) FROM ${kbPages} WHERE ${kbPages.sourceId} = ${id})`,
			sectionCount: sql`(SELECT count(*) FROM ${kbSections} WHERE ${kbSections.sourceId} = ${id})`,
			codeExampleCount: sql`(SELECT count(*) FROM ${kbCodeExamples} WHERE ${kbCodeExamples.sourceId} = ${id})`,
			wordCount: sql`(SELECT coalesce(sum(${kbPages.wordCount}), 0) FROM ${kbPages} WHERE ${kbPages.sourceId} = ${id})`,
			...(changes.summary === undefined ? {} : { summary: changes.summary }),
			updatedAt: changes.now,
		})
		.where(eq(kbSources.id, id))
		.returning();
	return row;
}

/** `rows` in runs small enough that `columns` values per row stay under D1's bound-value limit. */
function chunks<T>(rows: readonly T[], columns: number): T[][] {
	const size = Math.floor(MAX_BOUND_VALUES / columns);
	const runs: T[][] = [];
	for (let at = 0; at < rows.length; at += size) runs.push(rows.slice(at, at + size));
	return runs;
}
