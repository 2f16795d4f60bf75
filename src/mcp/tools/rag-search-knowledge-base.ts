/**
 * Tool `rag_search_knowledge_base`: the sections of the knowledge base that
 * best match a query (BM25), with highlighted snippets, paginated.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { archonCall, READ_ANNOTATIONS } from "../../archon/tool-call";
import { sectionHitView, toSectionHitView } from "../../knowledge/kb-views";
import { knowledgeSearchOf } from "../../knowledge/knowledge-search";
import { searchInput, searchOutput, searchPage } from "../../knowledge/search-request";
import type { ToolContext } from "../tool-context";

const input = z.object(searchInput);
const output = searchOutput(sectionHitView);

/** Registers `rag_search_knowledge_base` on `server`. */
export function registerRagSearchKnowledgeBase(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"rag_search_knowledge_base",
		{
			title: "Search the knowledge base",
			description:
				"Full-text search (BM25 ranking, with stemming) over the sections of the knowledge base's pages: documentation ingested by an admin. Returns the best matching sections first, each with its page (`page_id`, `url`, `title`), heading path, a snippet with the matched words between « and », and the section text (cut to 1 200 characters). Use short keyword queries (2 to 6 words); `source_id` (from rag_get_available_sources) limits the search to one source. For code, prefer rag_search_code_examples. Read a whole page with rag_read_full_page (`offset`: a hit's `char_start`). `match_count` results per call (default 5, at most 20); pass `next_cursor` back as `cursor` for more.",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, (call) =>
				searchPage(
					call,
					args,
					(sourceId, window) =>
						knowledgeSearchOf(context.env).searchSections(args.query, { sourceId }, window),
					toSectionHitView,
				),
			),
	);
}
