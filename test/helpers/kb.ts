/// <reference types="vite/client" />
/**
 * The knowledge base corpus of `test/fixtures/kb/`, and ingest through the
 * admin API. Tests run inside workerd, which has no file system: Vite's
 * `import.meta.glob` with `?raw` reads the files when the test module is
 * bundled, so they arrive as strings and stay real files to read and edit.
 */

import { expect } from "vitest";
import type { IngestReport } from "../../src/knowledge/ingest";
import { bearer, PUBLIC_ORIGIN } from "./identity";
import { fetchWorker } from "./mcp";

const raw = import.meta.glob<string>("../fixtures/kb/*", {
	query: "?raw",
	import: "default",
	eager: true,
});

/** The fixture files by name (`durable-objects.md`, `glossary.txt`, ...). */
export const KB_FIXTURES: Readonly<Record<string, string>> = Object.fromEntries(
	Object.entries(raw).map(([path, text]) => [path.slice(path.lastIndexOf("/") + 1), text]),
);

/** A document of an ingest request. */
export interface KbDocument {
	path: string;
	title?: string;
	content: string;
}

/** The fixture corpus as ingest documents. */
export function fixtureDocuments(): KbDocument[] {
	return Object.entries(KB_FIXTURES).map(([path, content]) => ({ path, content }));
}

/** POSTs `body` to the ingest route as the holder of `token` (none: no Authorization). */
export function postIngest(body: unknown, token?: string, headers: Record<string, string> = {}) {
	return fetchWorker(`${PUBLIC_ORIGIN}/api/kb/ingest`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			...(token ? bearer(token) : {}),
			...headers,
		},
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

/** What the ingest route answers. */
export type { IngestReport };

/** Ingests `documents` into `source` as an admin and returns the report. */
export async function ingestAs(
	token: string,
	source: string,
	documents: KbDocument[],
): Promise<IngestReport> {
	const response = await postIngest({ source, documents }, token);
	const text = await response.text();
	expect(response.status, text).toBe(200);
	return JSON.parse(text) as IngestReport;
}
