/**
 * What the `rag_*` tools return for sources, pages and search hits:
 * snake_case fields as in Archon, ISO times, and the zod schemas the tools
 * declare as output schemas. Long texts arrive already cut (`limits.ts`).
 */
import { z } from "zod";
import { LIST_DESCRIPTION_CHARS } from "../archon/limits";
import type { PageSummaryRow, SourceRow } from "../db/knowledge-queries";
import { cutChars } from "../mcp/stored-strings";
import type { CodeHit, SectionHit } from "./knowledge-search";

/** A source as a tool returns it. */
export const sourceView = z.object({
	source_id: z.string().describe("Source handle (src_…)."),
	name: z.string(),
	summary: z.string().describe("What the source holds (cut to 500 characters)."),
	page_count: z.number().int(),
	section_count: z.number().int(),
	code_example_count: z.number().int(),
	word_count: z.number().int(),
	created_at: z.string(),
	updated_at: z.string(),
});

/** The view of a source row. */
export function toSourceView(row: SourceRow): z.infer<typeof sourceView> {
	return {
		source_id: row.id,
		name: row.name,
		summary: cutChars(row.summary, LIST_DESCRIPTION_CHARS),
		page_count: row.pageCount,
		section_count: row.sectionCount,
		code_example_count: row.codeExampleCount,
		word_count: row.wordCount,
		created_at: new Date(row.createdAt).toISOString(),
		updated_at: new Date(row.updatedAt).toISOString(),
	};
}

/** A page as a list returns it, without its content. */
export const pageView = z.object({
	page_id: z.string().describe("Page handle (pg_…)."),
	source_id: z.string(),
	url: z.string().describe("Where the page came from (its path at ingest)."),
	title: z.string(),
	word_count: z.number().int(),
	section_count: z.number().int(),
	code_example_count: z.number().int(),
	updated_at: z.string(),
});

/** The view of a page row. */
export function toPageView(row: PageSummaryRow): z.infer<typeof pageView> {
	return {
		page_id: row.id,
		source_id: row.sourceId,
		url: row.url,
		title: row.title,
		word_count: row.wordCount,
		section_count: row.sectionCount,
		code_example_count: row.codeExampleCount,
		updated_at: new Date(row.updatedAt).toISOString(),
	};
}

/** Where a hit lives, as every search result says it. */
const hitPlace = {
	page_id: z.string().describe("Read the whole page with rag_read_full_page."),
	source_id: z.string(),
	source_name: z.string(),
	url: z.string(),
	title: z.string().describe("The page's title."),
	char_start: z
		.number()
		.int()
		.describe("Where the hit starts in the page: pass it as offset to rag_read_full_page."),
	score: z.number().describe("BM25 relevance, higher is better; compare within one result only."),
};

/** A matching section as `rag_search_knowledge_base` returns it. */
export const sectionHitView = z.object({
	...hitPlace,
	heading: z.string().describe("Page title and headings above the section, joined with ›."),
	snippet: z.string().describe("Words around the matches; matched terms are between « and »."),
	content: z.string().describe("The section's text, cut to 1 200 characters."),
	content_truncated: z.boolean(),
});

/** The view of a section hit. */
export function toSectionHitView(hit: SectionHit): z.infer<typeof sectionHitView> {
	return {
		...placeView(hit),
		heading: hit.heading,
		snippet: hit.snippet,
		content: hit.content,
		content_truncated: hit.contentChars > hit.content.length,
	};
}

/** A matching code example as `rag_search_code_examples` returns it. */
export const codeHitView = z.object({
	...hitPlace,
	language: z.string().describe('The fence\'s language ("" when it named none).'),
	summary: z.string().describe("The headings and the paragraph above the code."),
	snippet: z.string().describe("Matches in the summary or code, between « and »."),
	code: z.string().describe("The code, cut to 3 000 characters."),
	code_truncated: z.boolean(),
});

/** The view of a code hit. */
export function toCodeHitView(hit: CodeHit): z.infer<typeof codeHitView> {
	return {
		...placeView(hit),
		language: hit.language,
		summary: hit.summary,
		snippet: hit.snippet,
		code: hit.code,
		code_truncated: hit.codeChars > hit.code.length,
	};
}

function placeView(hit: SectionHit | CodeHit) {
	return {
		page_id: hit.pageId,
		source_id: hit.sourceId,
		source_name: hit.sourceName,
		url: hit.url,
		title: hit.title,
		char_start: hit.charStart,
		score: hit.score,
	};
}
