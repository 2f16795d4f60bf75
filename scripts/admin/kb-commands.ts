/**
 * `kb ingest`: Markdown and plain-text files into the knowledge base, through
 * a running server's admin API (`POST /api/kb/ingest`), which parses, hashes
 * and writes them (`src/knowledge/ingest.ts`); the command only reads files
 * and sends them in bounded requests. Going through the server keeps one
 * write path, with its FTS5 indexes, for both the API and this command.
 * `--url` defaults to the server of `npm start`; a loopback server with auth
 * off needs no token.
 */

import type { IngestReport } from "../../src/knowledge/ingest.ts";
import {
	MAX_DOCUMENTS_PER_INGEST,
	MAX_INGEST_BODY_BYTES,
	MAX_PAGE_CHARS,
} from "../../src/knowledge/limits.ts";
import { commandUsage } from "./args.ts";
import {
	type AdminCommand,
	type AdminContext,
	GLOBAL_FLAGS,
	requiredFlag,
} from "./command-types.ts";
import { failure, usageError } from "./errors.ts";
import { type Check, checkBearerToken, checkServerUrl } from "./inputs.ts";
import { callServer, type ServerAccess } from "./server-api.ts";

/** The server of `npm start`. */
const DEFAULT_URL = "http://127.0.0.1:8787";

/** The files ingest reads; others in a folder are skipped (and counted). */
const EXTENSIONS = /\.(md|markdown|txt)$/i;

/** Longest one ingest request may take (2 minutes: up to 50 pages, each its own D1 batch). */
const INGEST_TIMEOUT_MS = 120_000;

/** Room left in a request body for everything but the documents' text. */
const BODY_MARGIN_BYTES = 64 * 1024;

const checkSourceName: Check = (value) =>
	/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value)
		? undefined
		: "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";

/** `kb ingest PATH --source NAME`. */
export const kbIngest: AdminCommand = {
	spec: {
		name: "kb ingest",
		summary: "Ingest Markdown and text files into the knowledge base (through the server)",
		operand: {
			name: "path",
			description: "a .md, .markdown or .txt file, or a folder of them (read recursively)",
		},
		flags: {
			source: {
				value: "NAME",
				description: "the source to ingest into; created on first use",
				required: true,
				check: checkSourceName,
			},
			summary: { value: "TEXT", description: "set the source's summary" },
			url: {
				value: "URL",
				description: `base URL of the running server (default ${DEFAULT_URL}, the server of npm start)`,
				check: checkServerUrl,
			},
			"admin-token": {
				value: "T",
				description:
					"an admin's API token (prefer env ARCHON_ADMIN_TOKEN; not needed on loopback with auth off)",
				check: checkBearerToken,
			},
		},
		example: "npm run admin -- kb ingest ./docs --source archon-docs",
	},
	async run(flags, context) {
		if (flags.has("remote") || flags.has("persist-to")) {
			throw usageError(
				"kb ingest writes through the server, not to D1: drop --remote and --persist-to and pass --url",
				commandUsage(kbIngest.spec, GLOBAL_FLAGS),
			);
		}
		const access = serverOf(flags, context);
		const source = requiredFlag(flags, "source");
		const summary = flags.get("summary");
		const root = requiredFlag(flags, "path");
		const listed = await context.listFiles(root).catch((error: unknown) => {
			throw failure(
				`cannot read ${root}: ${error instanceof Error ? error.message : String(error)}`,
			);
		});
		const files = listed.filter((file) => EXTENSIONS.test(file.name));
		if (files.length === 0) {
			throw failure(`no .md, .markdown or .txt file at ${root} (${listed.length} other files)`);
		}
		const documents = [];
		for (const file of files) {
			const content = await readText(context, file.path);
			if (content.length > MAX_PAGE_CHARS) {
				throw failure(
					`${file.name} has ${content.length} characters, over the ${MAX_PAGE_CHARS} a page may hold`,
				);
			}
			documents.push({ path: file.name, content });
		}
		const reports: IngestReport[] = [];
		for (const batch of batches(documents)) {
			const body = { source, ...(summary === undefined ? {} : { summary }), documents: batch };
			reports.push(
				(await callServer(context.fetch, access, "POST", "/api/kb/ingest", {
					body,
					timeoutMs: INGEST_TIMEOUT_MS,
				})) as IngestReport,
			);
		}
		const total = (key: "added" | "updated" | "unchanged") =>
			reports.reduce((sum, report) => sum + report[key], 0);
		const result = {
			source: reports[0]?.source,
			added: total("added"),
			updated: total("updated"),
			unchanged: total("unchanged"),
			skipped: listed.length - files.length,
			pages: reports.flatMap((report) => report.pages),
		};
		return {
			json: result,
			text: [
				`Source ${result.source?.name} (${result.source?.source_id}): ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged${result.skipped ? `; ${result.skipped} other files skipped` : ""}.`,
			],
		};
	},
};

/** The server to call: `--url` or the local default, with a token when one is given. */
function serverOf(flags: ReadonlyMap<string, string>, context: AdminContext): ServerAccess {
	const baseUrl = flags.get("url") ?? DEFAULT_URL;
	const adminToken = flags.get("admin-token") ?? context.adminTokenFromEnv ?? "";
	if (adminToken !== "" && checkBearerToken(adminToken) !== undefined) {
		throw usageError(
			"ARCHON_ADMIN_TOKEN must be a token of visible ASCII characters",
			commandUsage(kbIngest.spec, GLOBAL_FLAGS),
		);
	}
	return { baseUrl, adminToken };
}

/** A file's text; refuses what is not UTF-8. */
async function readText(context: AdminContext, path: string): Promise<string> {
	const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
	let text = "";
	try {
		for await (const chunk of context.openFile(path))
			text += decoder.decode(chunk, { stream: true });
		return text + decoder.decode();
	} catch (error) {
		throw failure(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/** `documents` in requests the server accepts: at most 50 each, and under its body limit. */
function batches<T extends { content: string }>(documents: readonly T[]): T[][] {
	const limit = MAX_INGEST_BODY_BYTES - BODY_MARGIN_BYTES;
	const runs: T[][] = [];
	let run: T[] = [];
	let bytes = 0;
	for (const document of documents) {
		// JSON escapes can triple a character's bytes; count the worst case so no request is refused.
		const size = document.content.length * 6;
		if (run.length === MAX_DOCUMENTS_PER_INGEST || (run.length > 0 && bytes + size > limit)) {
			runs.push(run);
			run = [];
			bytes = 0;
		}
		run.push(document);
		bytes += size;
	}
	if (run.length > 0) runs.push(run);
	return runs;
}
