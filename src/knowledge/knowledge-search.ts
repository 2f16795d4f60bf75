/**
 * The search behind `rag_search_knowledge_base` and `rag_search_code_examples`,
 * as an interface: the tools ask for ranked hits and never see how they were
 * found. `Fts5Search` (BM25 over D1 FTS5) is the one implementation; a
 * semantic search (Vectorize with Workers AI embeddings, see the README's
 * "Knowledge base tools") would be a second one, and a third could fuse both
 * rankings (reciprocal rank fusion) behind this same interface.
 */
import { Fts5Search } from "./fts5-search";

/** What narrows a search; all optional. */
export interface SearchFilter {
	/** Only hits of this source (a `src_…` handle the caller has already resolved). */
	readonly sourceId?: string | undefined;
	/** Code examples only: only this fence language (`ts`, `python`, ...). */
	readonly language?: string | undefined;
}

/** Which hits of the ranking: `limit` from `offset` (0-based). */
export interface SearchWindow {
	readonly limit: number;
	readonly offset: number;
}

/** Where a hit lives: its page and source. */
export interface HitPlace {
	readonly pageId: string;
	readonly sourceId: string;
	readonly sourceName: string;
	readonly url: string;
	readonly title: string;
	/** Offset of the hit in the page content, for `rag_read_full_page`. */
	readonly charStart: number;
	/** Higher is better; comparable only within one result list. */
	readonly score: number;
}

/** A section that matched. */
export interface SectionHit extends HitPlace {
	readonly heading: string;
	/** A few words around the matches, terms between the highlight markers. */
	readonly snippet: string;
	/** The section's text, cut to `RESULT_CONTENT_CHARS`. */
	readonly content: string;
	/** Length of the whole section. */
	readonly contentChars: number;
}

/** A code example that matched. */
export interface CodeHit extends HitPlace {
	readonly language: string;
	readonly summary: string;
	/** Matches highlighted in the summary or the code, whichever matched best. */
	readonly snippet: string;
	/** The code, cut to `RESULT_CODE_CHARS`. */
	readonly code: string;
	readonly codeChars: number;
}

/** A ranked search over the knowledge base. */
export interface KnowledgeSearch {
	/** Sections best matching `query`, best first. */
	searchSections(
		query: string,
		filter: SearchFilter,
		window: SearchWindow,
	): Promise<readonly SectionHit[]>;
	/** Code examples best matching `query`, best first. */
	searchCodeExamples(
		query: string,
		filter: SearchFilter,
		window: SearchWindow,
	): Promise<readonly CodeHit[]>;
}

/**
 * The search the tools use with these bindings. Today BM25 over D1; with a
 * `VECTORIZE` and an `AI` binding this is where a fused search would be chosen.
 */
export function knowledgeSearchOf(env: Pick<Env, "DB">): KnowledgeSearch {
	return new Fts5Search(env.DB);
}
