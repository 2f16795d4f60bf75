/**
 * Tool `find_documents`: the documents of a project, filtered by type and
 * free text and paginated, without their content; or one document with it.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { querySchema } from "../../archon/limits";
import { pageInput, pageOf, pageOutput, pageRequest } from "../../archon/pagination";
import { visibleDocument, visibleProject } from "../../archon/project-access";
import { archonCall, READ_ANNOTATIONS, ToolRefusal } from "../../archon/tool-call";
import { documentView, toDocumentView } from "../../archon/views";
import { listDocuments } from "../../db/document-queries";
import type { ToolContext } from "../tool-context";

const input = z.object({
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe("The project handle (prj_…) whose documents to list; required unless document_id."),
	document_id: z
		.string()
		.max(100)
		.optional()
		.describe("A document handle (doc_…): returns that document with its content."),
	document_type: z.string().max(100).optional().describe("Only documents of this type."),
	query: querySchema
		.optional()
		.describe("Free text, matched case-insensitively against titles, tags and content."),
	...pageInput,
});

const output = z.object({
	document: documentView.optional().describe("The document asked for by document_id."),
	documents: z.array(documentView).optional().describe("A page of documents, without content."),
	count: z.number().int().optional(),
	pagination: pageOutput.optional(),
});

/** Registers `find_documents` on `server`. */
export function registerFindDocuments(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"find_documents",
		{
			title: "Find documents",
			description:
				"Lists the JSON documents (specs, designs, notes) of a project that you own or that are shared with you, most recently updated first, without their content. `project_id` is a project handle (`prj_…`). Filter with `document_type` and `query` (text in title, tags or content). Pass `document_id` (a document handle, `doc_…`, from this tool or manage_document; valid until the document or its project is permanently deleted) to get one document with its content (at most 64 KiB). Paginated: pass `next_cursor` back as `cursor`, or use `page`/`per_page` (at most 50).",
			inputSchema: input,
			outputSchema: output,
			annotations: READ_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.document_id !== undefined) {
					const row = await visibleDocument(call, args.document_id);
					return { document: toDocumentView(row, call.viewer.userId, "full") };
				}
				if (args.project_id === undefined) {
					throw new ToolRefusal("project_id is required to list documents (or pass document_id).");
				}
				await visibleProject(call, args.project_id);
				const request = pageRequest(args);
				if (typeof request === "string") throw new ToolRefusal(request);
				const rows = await listDocuments(
					call.db,
					call.viewer,
					{ projectId: args.project_id, documentType: args.document_type, query: args.query },
					{ limit: request.perPage + 1, offset: request.offset },
				);
				const { items, page } = pageOf(rows, request);
				const documents = items.map((row) => toDocumentView(row, call.viewer.userId, "summary"));
				return { documents, count: documents.length, pagination: page };
			}),
	);
}
