/**
 * Tool `rag_list_pages_for_source`: the pages of one source, by url,
 * paginated, without their content.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { listPages } from "../../db/knowledge-queries";
import { knownSource } from "../../knowledge/kb-access";
import { sourceIdInput } from "../../knowledge/kb-inputs";
import { pageView, sourceView, toPageView, toSourceView } from "../../knowledge/kb-views";
import type { ToolContext } from "../tool-context";

const input = z.object({ source_id: sourceIdInput, ...pageInput });

const output = z.object({
	source: sourceView,
	pages: z.array(pageView),
	count: z.number().int().describe("Pages on this page of the list."),
	pagination: pageOutput,
});

/** Registers `rag_list_pages_for_source` on `server`. */
export function registerRagListPagesForSource(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"rag_list_pages_for_source",
		{
			title: "List the pages of a source",
			description:
				"Lists the pages of one knowledge base source (`source_id`, `src_…`, from rag_get_available_sources), ordered by url, with title and word count but without content. Read a page with rag_read_full_page and its `page_id` (`pg_…`). Paginated: pass `next_cursor` back as `cursor`, or use `page`/`per_page` (at most 50).",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const source = await knownSource(call, args.source_id);
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listPages(call.db, source.id, {
					limit: request.perPage + 1,
					offset: request.offset,
				});
				const { items, page } = pageOf(rows, request);
				return {
					source: toSourceView(source),
					pages: items.map(toPageView),
					count: items.length,
					pagination: page,
				};
			}),
	);
}
