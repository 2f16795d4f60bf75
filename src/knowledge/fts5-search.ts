/**
 * `KnowledgeSearch` on D1's FTS5 indexes (`kb_sections_fts`,
 * `kb_code_examples_fts`, migration 0007): BM25 ranking with headings and
 * summaries weighted above body text, `snippet()` for highlighted context.
 *
 * A model's free text never reaches FTS5's query syntax: it is cut into
 * words (runs of letters and digits), each quoted as a string, and the
 * words are OR-ed, so BM25 ranks pages with more (and rarer) words higher.
 */
import { cutChars } from "../mcp/stored-strings";
import type {
	CodeHit,
	KnowledgeSearch,
	SearchFilter,
	SearchWindow,
	SectionHit,
} from "./knowledge-search";
import {
	HIGHLIGHT_CLOSE,
	HIGHLIGHT_OPEN,
	MAX_QUERY_TERMS,
	MAX_SNIPPET_CHARS,
	RESULT_CODE_CHARS,
	RESULT_CONTENT_CHARS,
	SNIPPET_TOKENS,
} from "./limits";

/** BM25 column weights of `kb_sections_fts` (heading, content): a match in a heading counts more. */
const SECTION_WEIGHTS = "3.0, 1.0";

/** BM25 column weights of `kb_code_examples_fts` (summary, code). */
const CODE_WEIGHTS = "2.0, 1.0";

/**
 * The words FTS5 will search for in `query`: lowercased, deduplicated, at
 * most `MAX_QUERY_TERMS`. Empty when the query has no letter or digit.
 *
 * @example
 * searchTerms('durable "objects" OR alarm*'); // ["durable", "objects", "or", "alarm"]
 */
export function searchTerms(query: string): string[] {
	const words =
		query
			.normalize("NFKC")
			.toLowerCase()
			.match(/[\p{L}\p{N}]+/gu) ?? [];
	return [...new Set(words)].slice(0, MAX_QUERY_TERMS);
}

/** The FTS5 MATCH expression for `query`: every word quoted, OR-ed; undefined when there is none. */
export function matchExpression(query: string): string | undefined {
	const terms = searchTerms(query);
	// Words hold only letters and digits, so quoting cannot be escaped; quoted, OR/NOT/NEAR are words too.
	return terms.length === 0 ? undefined : terms.map((term) => `"${term}"`).join(" OR ");
}

/** BM25 search over the FTS5 indexes of the `DB` binding. */
export class Fts5Search implements KnowledgeSearch {
	readonly #db: D1Database;

	constructor(db: D1Database) {
		this.#db = db;
	}

	async searchSections(
		query: string,
		filter: SearchFilter,
		window: SearchWindow,
	): Promise<readonly SectionHit[]> {
		const results = await this.#rows<SectionRow>(
			query,
			filter,
			window,
			`SELECT s.page_id, s.source_id, src.name AS source_name, p.url, p.title, s.heading, s.char_start,
				snippet(kb_sections_fts, 1, ?5, ?6, '…', ${SNIPPET_TOKENS}) AS snippet,
				substr(s.content, 1, ${RESULT_CONTENT_CHARS}) AS content, length(s.content) AS content_chars,
				bm25(kb_sections_fts, ${SECTION_WEIGHTS}) AS rank
			FROM kb_sections_fts
			JOIN kb_sections s ON s.id = kb_sections_fts.rowid
			JOIN kb_pages p ON p.id = s.page_id
			JOIN kb_sources src ON src.id = s.source_id
			WHERE kb_sections_fts MATCH ?1 AND (?2 IS NULL OR s.source_id = ?2)
			ORDER BY rank, s.id
			LIMIT ?3 OFFSET ?4`,
		);
		return results.map((row) => ({
			...place(row),
			heading: row.heading,
			snippet: cutChars(row.snippet, MAX_SNIPPET_CHARS),
			content: row.content,
			contentChars: row.content_chars,
		}));
	}

	async searchCodeExamples(
		query: string,
		filter: SearchFilter,
		window: SearchWindow,
	): Promise<readonly CodeHit[]> {
		const results = await this.#rows<CodeRow>(
			query,
			filter,
			window,
			`SELECT e.page_id, e.source_id, src.name AS source_name, p.url, p.title, e.char_start,
				e.language, e.summary,
				snippet(kb_code_examples_fts, -1, ?5, ?6, '…', ${SNIPPET_TOKENS}) AS snippet,
				substr(e.code, 1, ${RESULT_CODE_CHARS}) AS code, length(e.code) AS code_chars,
				bm25(kb_code_examples_fts, ${CODE_WEIGHTS}) AS rank
			FROM kb_code_examples_fts
			JOIN kb_code_examples e ON e.id = kb_code_examples_fts.rowid
			JOIN kb_pages p ON p.id = e.page_id
			JOIN kb_sources src ON src.id = e.source_id
			WHERE kb_code_examples_fts MATCH ?1 AND (?2 IS NULL OR e.source_id = ?2)
				AND (?7 IS NULL OR e.language = ?7)
			ORDER BY rank, e.id
			LIMIT ?3 OFFSET ?4`,
			filter.language ?? null,
		);
		return results.map((row) => ({
			...place(row),
			language: row.language,
			summary: row.summary,
			snippet: cutChars(row.snippet, MAX_SNIPPET_CHARS),
			code: row.code,
			codeChars: row.code_chars,
		}));
	}

	/**
	 * The rows of `sql` for `query`, with its parameters bound in the order
	 * both queries number them: ?1 the MATCH expression, ?2 the source (or
	 * NULL), ?3 and ?4 the window, ?5 and ?6 the highlight markers, then `extra`.
	 */
	async #rows<T>(
		query: string,
		filter: SearchFilter,
		window: SearchWindow,
		sql: string,
		...extra: (string | null)[]
	): Promise<T[]> {
		const match = matchExpression(query);
		if (match === undefined) return [];
		const { results } = await this.#db
			.prepare(sql)
			.bind(
				match,
				filter.sourceId ?? null,
				window.limit,
				window.offset,
				HIGHLIGHT_OPEN,
				HIGHLIGHT_CLOSE,
				...extra,
			)
			.all<T>();
		return results;
	}
}

/** Columns every hit row has. */
interface PlaceRow {
	page_id: string;
	source_id: string;
	source_name: string;
	url: string;
	title: string;
	char_start: number;
	/** FTS5's bm25(): lower (more negative) is better. */
	rank: number;
}

interface SectionRow extends PlaceRow {
	heading: string;
	snippet: string;
	content: string;
	content_chars: number;
}

interface CodeRow extends PlaceRow {
	language: string;
	summary: string;
	snippet: string;
	code: string;
	code_chars: number;
}

function place(row: PlaceRow) {
	return {
		pageId: row.page_id,
		sourceId: row.source_id,
		sourceName: row.source_name,
		url: row.url,
		title: row.title,
		charStart: row.char_start,
		// Flipped so that higher is better, as a model expects of a score.
		score: Math.round(-row.rank * 10_000) / 10_000,
	};
}
