/**
 * What the two search tools share: their common arguments, checked and
 * decoded once (a query with at least one word, a source handle that names a
 * source, the window of the ranking that `match_count` and `cursor` ask
 * for), and the shape of their result, a page of hits.
 */
import { z } from "zod";
import { pageOf, pageOutput, pageRequest } from "../archon/pagination";
import { type ArchonCall, ToolRefusal } from "../archon/tool-call";
import { searchTerms } from "./fts5-search";
import { knownSource } from "./kb-access";
import { cursorInput, matchCount, searchQuery, sourceIdInput } from "./kb-inputs";
import type { SearchWindow } from "./knowledge-search";
import { DEFAULT_MATCH_COUNT } from "./limits";

/** The arguments both search tools take, for their input schemas. */
export const searchInput = {
	query: searchQuery,
	source_id: sourceIdInput.optional(),
	match_count: matchCount,
	cursor: cursorInput,
};

/** Arguments both search tools take. */
export interface SearchArgs {
	readonly query: string;
	readonly source_id?: string | undefined;
	readonly match_count?: number | undefined;
	readonly cursor?: string | undefined;
}

/** The output schema of a search tool whose hits look like `hit`. */
export function searchOutput<T extends z.ZodType>(hit: T) {
	return z.object({
		query: z.string(),
		results: z.array(hit).describe("Best match first."),
		count: z.number().int(),
		pagination: pageOutput,
	});
}

/**
 * One page of a search: checks `args` (refusing a query without words, an
 * unknown source or a forged cursor), asks `find` for the window of the
 * ranking (one hit more than the page, to know whether more follow), and
 * returns the page in the shape of `searchOutput`.
 */
export async function searchPage<H, V>(
	call: ArchonCall,
	args: SearchArgs,
	find: (sourceId: string | undefined, window: SearchWindow) => Promise<readonly H[]>,
	view: (hit: H) => V,
) {
	if (searchTerms(args.query).length === 0) {
		throw new ToolRefusal(
			"query has no words to search for: give it at least one word of letters or digits.",
		);
	}
	const source = args.source_id === undefined ? undefined : await knownSource(call, args.source_id);
	const request = pageRequest({
		per_page: args.match_count ?? DEFAULT_MATCH_COUNT,
		cursor: args.cursor,
	});
	if (typeof request === "string") throw new ToolRefusal(request);
	const hits = await find(source?.id, { limit: request.perPage + 1, offset: request.offset });
	const { items, page } = pageOf(hits, request);
	return { query: args.query, results: items.map(view), count: items.length, pagination: page };
}
