/**
 * The arguments of the two search tools, checked and decoded once: a query
 * with at least one word, a source handle that names a source, and the
 * window of the ranking that `match_count` and `cursor` ask for.
 */
import { type PageRequest, pageRequest } from "../archon/pagination";
import { type ArchonCall, ToolRefusal } from "../archon/tool-call";
import { searchTerms } from "./fts5-search";
import { knownSource } from "./kb-access";
import { DEFAULT_MATCH_COUNT } from "./limits";

/** Arguments both search tools take. */
export interface SearchArgs {
	readonly query: string;
	readonly source_id?: string | undefined;
	readonly match_count?: number | undefined;
	readonly cursor?: string | undefined;
}

/** The source to search in (if any) and the page of hits asked for; refuses bad arguments. */
export async function searchRequest(
	call: ArchonCall,
	args: SearchArgs,
): Promise<{ sourceId: string | undefined; page: PageRequest }> {
	if (searchTerms(args.query).length === 0) {
		throw new ToolRefusal(
			"query has no words to search for: give it at least one word of letters or digits.",
		);
	}
	const source = args.source_id === undefined ? undefined : await knownSource(call, args.source_id);
	const page = pageRequest({
		per_page: args.match_count ?? DEFAULT_MATCH_COUNT,
		cursor: args.cursor,
	});
	if (typeof page === "string") throw new ToolRefusal(page);
	return { sourceId: source?.id, page };
}
