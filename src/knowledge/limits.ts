/**
 * Size bounds of the knowledge base: what one ingest may bring, how pages are
 * cut, and how much one tool result may carry, so every stored row stays
 * under D1's row limit (2 MB) and every result fits a model's context.
 */

/** Longest page accepted at ingest, in characters (512 KiB of text). */
export const MAX_PAGE_CHARS = 524_288;

/** Most documents one ingest request carries; a larger folder goes in several requests. */
export const MAX_DOCUMENTS_PER_INGEST = 50;

/** Largest ingest request body, in bytes (8 MiB). */
export const MAX_INGEST_BODY_BYTES = 8 * 1024 * 1024;

/** Longest source name: letters, digits and `._-`, so it is safe in a flag and a log line. */
export const MAX_SOURCE_NAME_CHARS = 100;

/** Longest source summary, in characters. */
export const MAX_SOURCE_SUMMARY_CHARS = 2_000;

/** Longest page url (its path as ingested) and title, in characters. */
export const MAX_URL_CHARS = 500;
export const MAX_TITLE_CHARS = 200;

/** Longest section, in characters: a longer one is cut at paragraph boundaries. */
export const MAX_SECTION_CHARS = 4_000;

/** Longest heading path of a section, in characters (a Markdown heading line has no bound of its own). */
export const MAX_HEADING_CHARS = 500;

/** Longest snippet, in characters: one FTS5 token may be as long as its line. */
export const MAX_SNIPPET_CHARS = 600;

/** Longest code example summary, in characters. */
export const MAX_SUMMARY_CHARS = 500;

/** Section text a search result carries, in characters; `rag_read_full_page` has the rest. */
export const RESULT_CONTENT_CHARS = 1_200;

/** Code a code example result carries, in characters. */
export const RESULT_CODE_CHARS = 3_000;

/** Tokens of context around the matches in a highlighted snippet (FTS5 allows at most 64). */
export const SNIPPET_TOKENS = 24;

/** Results per search call: Archon's `match_count`. */
export const DEFAULT_MATCH_COUNT = 5;
export const MAX_MATCH_COUNT = 20;

/** Characters one `rag_read_full_page` call returns at most, and by default. */
export const MAX_READ_CHARS = 20_000;

/** Most search terms taken from a query; the rest are dropped. */
export const MAX_QUERY_TERMS = 32;

/** Highlight markers around matched terms in snippets (rare in technical text, one character each). */
export const HIGHLIGHT_OPEN = "«";
export const HIGHLIGHT_CLOSE = "»";
