/**
 * Tool `rag_search_code_examples`: the code examples (fenced code blocks
 * found at ingest) that best match a query (BM25), paginated.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { archonCall, READ_ANNOTATIONS } from "../../archon/tool-call";
import { codeHitView, toCodeHitView } from "../../knowledge/kb-views";
import { knowledgeSearchOf } from "../../knowledge/knowledge-search";
import { searchInput, searchOutput, searchPage } from "../../knowledge/search-request";
import type { ToolContext } from "../tool-context";

const input = z.object({
	...searchInput,
	language: z
		.string()
		.trim()
		.toLowerCase()
		.min(1)
		.max(40)
		.optional()
		.describe("Only code in this fence language, as written after ``` (e.g. ts, python, sh)."),
});

const output = searchOutput(codeHitView);

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
			archonCall(context, (call) =>
				searchPage(
					call,
					args,
					(sourceId, window) =>
						knowledgeSearchOf(context.env).searchCodeExamples(
							args.query,
							{ sourceId, language: args.language },
							window,
						),
					toCodeHitView,
				),
			),
	);
}
