/**
 * Tool `rag_read_full_page`: the content of one page, by handle or by url,
 * in slices of at most `MAX_READ_CHARS` characters so a long page never
 * floods the context; `next_offset` continues where a slice ended.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { ArchonCall } from "../../archon/tool-call";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { findPagesByUrl, type PageRow } from "../../db/knowledge-queries";
import { kbNotFound, knownPage, knownSource } from "../../knowledge/kb-access";
import { sourceIdInput } from "../../knowledge/kb-inputs";
import { pageView, toPageView } from "../../knowledge/kb-views";
import { MAX_PAGE_CHARS, MAX_READ_CHARS, MAX_URL_CHARS } from "../../knowledge/limits";
import type { ToolContext } from "../tool-context";

const input = z.object({
	page_id: z
		.string()
		.max(100)
		.optional()
		.describe("A page handle (pg_…) from a search or page list."),
	url: z
		.string()
		.max(MAX_URL_CHARS)
		.optional()
		.describe("Instead of page_id: the page's url, as search results and page lists show it."),
	source_id: sourceIdInput
		.optional()
		.describe("With url: the source the page is in, when the same url is in several sources."),
	offset: z
		.number()
		.int()
		.min(0)
		.max(MAX_PAGE_CHARS)
		.optional()
		.describe("Character to start at (default 0): a search hit's char_start, or next_offset."),
	max_chars: z
		.number()
		.int()
		.min(1)
		.max(MAX_READ_CHARS)
		.optional()
		.describe(`Characters to return, 1 to ${MAX_READ_CHARS} (default ${MAX_READ_CHARS}).`),
});

const output = z.object({
	page: pageView,
	content: z.string().describe("The page's text from offset, at most max_chars characters."),
	offset: z.number().int(),
	content_chars: z.number().int().describe("Length of the whole page."),
	next_offset: z
		.number()
		.int()
		.nullable()
		.describe("Pass as offset to read on; null when this slice reaches the end."),
});

/** Registers `rag_read_full_page` on `server`. */
export function registerRagReadFullPage(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"rag_read_full_page",
		{
			title: "Read a knowledge base page",
			description:
				"Returns the text (Markdown or plain text, as ingested) of one knowledge base page, named by `page_id` (`pg_…`, from rag_search_knowledge_base, rag_search_code_examples or rag_list_pages_for_source) or by `url` (add `source_id` when the url is in several sources). Long pages come in slices of at most 20 000 characters: start at `offset` (a search hit's `char_start`, default 0) and pass `next_offset` back as `offset` to read on; it is null at the end.",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				const page = await pageOf(call, args);
				const offset = args.offset ?? 0;
				const length = page.content.length;
				if (offset > length) {
					throw new ToolRefusal(
						`offset ${offset} is past the end of the page, which has ${length} characters.`,
					);
				}
				let end = Math.min(offset + (args.max_chars ?? MAX_READ_CHARS), length);
				// Never split a UTF-16 surrogate pair between two slices.
				if (end < length && end > offset && isHighSurrogate(page.content.charCodeAt(end - 1))) {
					end -= 1;
				}
				return {
					page: toPageView(page),
					content: page.content.slice(offset, end),
					offset,
					content_chars: length,
					next_offset: end < length ? end : null,
				};
			}),
	);
}

/** The page `args` name by handle or by url; refuses both, neither, or an ambiguous url. */
async function pageOf(call: ArchonCall, args: z.infer<typeof input>): Promise<PageRow> {
	if ((args.page_id === undefined) === (args.url === undefined)) {
		throw new ToolRefusal("Pass exactly one of page_id or url.");
	}
	if (args.page_id !== undefined) return knownPage(call, args.page_id);
	const url = args.url ?? "";
	const sourceId =
		args.source_id === undefined ? undefined : (await knownSource(call, args.source_id)).id;
	const [page, other] = await findPagesByUrl(call.db, url, sourceId, 2);
	if (!page) throw new ToolRefusal(kbNotFound("page", "url", url));
	if (other) {
		throw new ToolRefusal(
			`The url "${url.slice(0, 80)}" is in more than one source: pass source_id too, or use page_id.`,
		);
	}
	return page;
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}
