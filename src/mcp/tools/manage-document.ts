/**
 * Tool `manage_document`: create, update or delete a JSON document of a project.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { boundedJson, MAX_FEATURE_CHARS, titleSchema } from "../../archon/limits";
import {
	createdResult,
	deletedResult,
	MANAGED,
	newRowInProject,
	targetRow,
	updatedResult,
} from "../../archon/managed-rows";
import { archonCall, changesOf, WRITE_ANNOTATIONS } from "../../archon/tool-call";
import { documentView } from "../../archon/views";
import { deleteDocument, insertDocument } from "../../db/document-queries";
import type { ToolContext } from "../tool-context";

/** Most tags of a document. */
const MAX_TAGS = 20;

const input = z.object({
	action: z.enum(["create", "update", "delete"]),
	project_id: z
		.string()
		.max(100)
		.optional()
		.describe("The project handle (prj_…) to add the document to: required to create."),
	document_id: z
		.string()
		.max(100)
		.optional()
		.describe("The document handle (doc_…) to update or delete."),
	title: titleSchema.optional().describe("Required to create."),
	document_type: z
		.string()
		.trim()
		.min(1)
		.max(100)
		.optional()
		.describe('What the document is: "spec", "design", "note", "prp", … Default "note".'),
	content: boundedJson
		.optional()
		.describe("The document's JSON content (at most 64 KiB of JSON text). Default {}."),
	tags: z
		.array(z.string().trim().min(1).max(MAX_FEATURE_CHARS))
		.max(MAX_TAGS)
		.optional()
		.describe(`Up to ${MAX_TAGS} tags; replaces the list.`),
	shared: z
		.boolean()
		.optional()
		.describe("When true, every user can see (not change) the document."),
});

const output = z.object({
	action: z.enum(["create", "update", "delete"]),
	document: documentView.optional(),
	document_id: z.string(),
	message: z.string(),
});

/** Registers `manage_document` on `server`. */
export function registerManageDocument(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"manage_document",
		{
			title: "Manage a document",
			description:
				"Creates, updates or deletes a JSON document of a project. `create` needs `project_id` (a project handle, `prj_…`, of a project you own, or any as an admin, that is not archived) and `title`, and returns the document's handle (`document_id`, `doc_…`), valid until the document or its project is permanently deleted. `update` changes only the fields you pass (`content` and `tags` are replaced whole). `delete` removes the document for good; snapshot a project's documents first with manage_version (field_name docs) to be able to restore them. Only the owner or an admin may change a document.",
			inputSchema: input,
			outputSchema: output,
			annotations: WRITE_ANNOTATIONS,
		},
		(args) =>
			archonCall(context, async (call) => {
				if (args.action === "create") {
					const row = await insertDocument(call.db, {
						...(await newRowInProject(call, "document", args)),
						documentType: args.document_type ?? "note",
						content: JSON.stringify(args.content ?? {}),
						tags: JSON.stringify(args.tags ?? []),
					});
					return createdResult(call, MANAGED.document, row);
				}
				const existing = await targetRow(call, MANAGED.document, args.document_id, args.action);
				if (args.action === "delete") {
					await deleteDocument(call.db, existing.id);
					return deletedResult(MANAGED.document, existing);
				}
				const changes = changesOf({
					title: args.title,
					documentType: args.document_type,
					content: args.content === undefined ? undefined : JSON.stringify(args.content),
					tags: args.tags && JSON.stringify(args.tags),
					shared: args.shared,
				});
				return updatedResult(call, MANAGED.document, existing.id, {
					...changes,
					updatedAt: call.now,
				});
			}),
	);
}
