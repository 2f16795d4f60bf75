/**
 * The knowledge base (the `rag_*` tools) in D1: sources, their pages, the
 * sections and code examples cut from each page at ingest.
 *
 * Storage layout:
 *
 * | Table                    | Holds                                                                 |
 * | ------------------------ | --------------------------------------------------------------------- |
 * | `kb_sources`             | one row per source (`src_…` handle, unique name), counts kept at ingest |
 * | `kb_pages`               | one row per ingested file (`pg_…` handle, unique `url` in its source)  |
 * | `kb_sections`            | a page cut at its Markdown headings, each at most 4 000 characters     |
 * | `kb_code_examples`       | the fenced code blocks of a page, their language and summary           |
 * | `kb_sections_fts`        | FTS5 index of `kb_sections` (external content, BM25)                   |
 * | `kb_code_examples_fts`   | FTS5 index of `kb_code_examples` (external content, BM25)              |
 *
 * The two FTS5 tables and the triggers that keep them in step with their
 * content tables (in the same statement, so in the same D1 batch) are written
 * by hand in `migrations/0007_knowledge_base.sql`: Drizzle does not model
 * virtual tables. The knowledge base is shared: every user reads all of it;
 * only admins write it, through the admin API (`src/http/kb-routes.ts`).
 * Times are Unix epoch milliseconds.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A named collection of pages (a documentation set, a handbook). */
export const kbSources = sqliteTable(
	"kb_sources",
	{
		id: text("id").primaryKey(),
		name: text("name").notNull(),
		summary: text("summary").notNull().default(""),
		pageCount: integer("page_count").notNull().default(0),
		sectionCount: integer("section_count").notNull().default(0),
		codeExampleCount: integer("code_example_count").notNull().default(0),
		wordCount: integer("word_count").notNull().default(0),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [uniqueIndex("idx_kb_sources_name").on(table.name)],
);

/** One ingested file; its handle stays the same when a changed file replaces it. */
export const kbPages = sqliteTable(
	"kb_pages",
	{
		id: text("id").primaryKey(),
		sourceId: text("source_id")
			.notNull()
			.references(() => kbSources.id, { onDelete: "cascade" }),
		/** Where the page came from: its path as ingested (Archon calls it `url`). */
		url: text("url").notNull(),
		title: text("title").notNull(),
		content: text("content").notNull(),
		/** SHA-256 (hex) of title and content: the same hash means the same page, so ingest skips it. */
		contentHash: text("content_hash").notNull(),
		wordCount: integer("word_count").notNull(),
		sectionCount: integer("section_count").notNull(),
		codeExampleCount: integer("code_example_count").notNull(),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [uniqueIndex("idx_kb_pages_source_url").on(table.sourceId, table.url)],
);

/**
 * The columns of a piece cut from a page (a section or a code example): its
 * integer id is the rowid its FTS5 index refers to.
 */
function pagePiece() {
	return {
		/** The FTS5 rowid of the piece. */
		id: integer("id").primaryKey({ autoIncrement: true }),
		pageId: text("page_id")
			.notNull()
			.references(() => kbPages.id, { onDelete: "cascade" }),
		sourceId: text("source_id").notNull(),
		/** 0, 1, 2 … in page order. */
		position: integer("position").notNull(),
		/** Where the piece starts in the page content, in characters (for `rag_read_full_page`). */
		charStart: integer("char_start").notNull(),
	};
}

/** A piece of a page under one heading: what full-text search ranks. */
export const kbSections = sqliteTable(
	"kb_sections",
	{
		...pagePiece(),
		/** The page title and the headings above the section, joined with " › ". */
		heading: text("heading").notNull(),
		content: text("content").notNull(),
	},
	(table) => [index("idx_kb_sections_page").on(table.pageId, table.position)],
);

/** A fenced code block of a page, with what the text around it says about it. */
export const kbCodeExamples = sqliteTable(
	"kb_code_examples",
	{
		...pagePiece(),
		/** The first word of the fence's info string, lowercased; "" when the fence names none. */
		language: text("language").notNull(),
		code: text("code").notNull(),
		/** The heading path and the paragraph before the block. */
		summary: text("summary").notNull(),
	},
	(table) => [
		index("idx_kb_code_examples_page").on(table.pageId, table.position),
		index("idx_kb_code_examples_language").on(table.language),
	],
);
