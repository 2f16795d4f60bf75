/**
 * The knowledge base's admin API, mounted at `/api/kb`:
 *
 * - `POST /api/kb/ingest` with `{"source", "summary"?, "documents": [{"path", "title"?, "content"}]}`
 *   (JSON, at most 50 documents and 8 MiB) ingests Markdown and plain-text
 *   documents into a source, idempotently (`src/knowledge/ingest.ts`), and
 *   answers the report: counts added, updated, unchanged and each page's handle.
 *
 * Admins only (an API token, the dashboard's sign-in with its CSRF header, or
 * auth off on loopback): the knowledge base is shared by every user, so
 * only an admin changes it. `npm run admin -- kb ingest` calls this route.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin, requireViewer, type ViewerEnv } from "../dashboard/viewer";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { ingest } from "../knowledge/ingest";
import {
	MAX_DOCUMENTS_PER_INGEST,
	MAX_INGEST_BODY_BYTES,
	MAX_PAGE_CHARS,
	MAX_SOURCE_NAME_CHARS,
	MAX_SOURCE_SUMMARY_CHARS,
	MAX_TITLE_CHARS,
	MAX_URL_CHARS,
} from "../knowledge/limits";
import { readBodyText, validateContentType } from "../mcp/request-validation";

/** Control characters garble lists and logs; a path or name never needs them. */
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** The body of `POST /api/kb/ingest`. */
const ingestBody = z.strictObject({
	source: z
		.string()
		.max(MAX_SOURCE_NAME_CHARS)
		.regex(
			/^[A-Za-z0-9][A-Za-z0-9._-]*$/,
			"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'",
		),
	summary: z.string().max(MAX_SOURCE_SUMMARY_CHARS).optional(),
	documents: z
		.array(
			z.strictObject({
				path: z
					.string()
					.min(1)
					.max(MAX_URL_CHARS)
					.refine((path) => !CONTROL.test(path), "must not hold control characters"),
				title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
				content: z.string().max(MAX_PAGE_CHARS),
			}),
		)
		.min(1)
		.max(MAX_DOCUMENTS_PER_INGEST),
});

/** The `/api/kb` routes. */
export function createKbRoutes() {
	const routes = new Hono<ViewerEnv>();

	routes.post("/ingest", requireViewer, async (c) => {
		requireAdmin(c.get("viewer"));
		validateContentType(c.req.raw);
		// Split the documents over several requests to send more.
		const text = await readBodyText(c.req.raw, MAX_INGEST_BODY_BYTES);
		const parsed = ingestBody.safeParse(parseJson(text));
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw badRequest(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
		}
		const paths = parsed.data.documents.map((document) => document.path);
		const repeated = paths.find((path, index) => paths.indexOf(path) !== index);
		if (repeated !== undefined) throw badRequest(`documents: path "${repeated}" is given twice`);
		return c.json(await ingest(openDatabase(c.env.DB), parsed.data, Date.now()));
	});

	return routes;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw badRequest("the body is not JSON");
	}
}

function badRequest(message: string): McpHttpError {
	return new McpHttpError(400, JsonRpcCode.InvalidParams, `Bad Request: ${message}`);
}
