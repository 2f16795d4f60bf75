/**
 * Tool `rag_get_available_sources`: the knowledge base's sources, by name,
 * paginated. The knowledge base is shared: every caller sees every source.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { listSources } from "../../db/knowledge-queries";
import { sourceView, toSourceView } from "../../knowledge/kb-views";
import type { ToolContext } from "../tool-context";

const input = z.object({ ...pageInput });

const output = z.object({
	sources: z.array(sourceView),
	count: z.number().int().describe("Sources on this page."),
	pagination: pageOutput,
});

/** Registers `rag_get_available_sources` on `server`. */
export function registerRagGetAvailableSources(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"rag_get_available_sources",
		{
			title: "List knowledge base sources",
			description:
				"Lists the sources of the knowledge base (documentation sets ingested by an admin), by name, with a summary and how many pages, sections and code examples each holds. Use a `source_id` (`src_…`) to narrow rag_search_knowledge_base or rag_search_code_examples to one source, or to list its pages with rag_list_pages_for_source. Paginated: pass `next_cursor` back as `cursor`, or use `page`/`per_page` (at most 50).",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listSources(call.db, {
					limit: request.perPage + 1,
					offset: request.offset,
				});
				const { items, page } = pageOf(rows, request);
				return { sources: items.map(toSourceView), count: items.length, pagination: page };
			}),
	);
}
