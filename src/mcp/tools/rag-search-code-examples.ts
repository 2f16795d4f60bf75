/**
 * Tool `rag_search_code_examples`: the code examples (fenced code blocks
 * found at ingest) that best match a query (BM25), paginated.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { pageOf, pageOutput } from "../../archon/pagination";
import { archonCall, READ_ANNOTATIONS } from "../../archon/tool-call";
import { cursorInput, matchCount, searchQuery, sourceIdInput } from "../../knowledge/kb-inputs";
import { codeHitView, toCodeHitView } from "../../knowledge/kb-views";
import { knowledgeSearchOf } from "../../knowledge/knowledge-search";
import { searchRequest } from "../../knowledge/search-request";
import type { ToolContext } from "../tool-context";

const input = z.object({
	query: searchQuery,
	source_id: sourceIdInput.optional(),
	language: z
		.string()
		.trim()
		.toLowerCase()
		.min(1)
		.max(40)
		.optional()
		.describe("Only code in this fence language, as written after ``` (e.g. ts, python, sh)."),
	match_count: matchCount,
	cursor: cursorInput,
});

const output = z.object({
	query: z.string(),
	results: z.array(codeHitView).describe("Best match first."),
	count: z.number().int(),
	pagination: pageOutput,
});

/** Registers `rag_search_code_examples` on `server`. */
export function registerRagSearchCodeExamples(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"rag_search_code_examples",
		{
			title: "Search code examples",
			description:
				"Full-text search (BM25 ranking) over the code examples of the knowledge base: the fenced code blocks of its pages, each with its language and a summary (the headings and the paragraph above it). The query matches both summary and code; best match first, with a snippet (matches between « and ») and the code (cut to 3 000 characters; rag_read_full_page at `char_start` has the rest). `language` keeps one fence language (ts, python, sh, ...); `source_id` (from rag_get_available_sources) one source. `match_count` results per call (default 5, at most 20); pass `next_cursor` back as `cursor` for more.",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const { sourceId, page: request } = await searchRequest(call, args);
				const hits = await knowledgeSearchOf(context.env).searchCodeExamples(
					args.query,
					{ sourceId, language: args.language },
					{ limit: request.perPage + 1, offset: request.offset },
				);
				const { items, page } = pageOf(hits, request);
				return {
					query: args.query,
					results: items.map(toCodeHitView),
					count: items.length,
					pagination: page,
				};
			}),
	);
}
