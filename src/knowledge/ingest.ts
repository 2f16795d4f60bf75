/**
 * Ingest: documents of one source into D1, idempotently. A document whose
 * SHA-256 (of title and content) equals its stored page's is `unchanged` and
 * nothing is written; a changed one replaces its page's row, sections and
 * code examples (the page keeps its handle); a new one is `added`. Each page
 * is written in one D1 batch, so a failure leaves every page either as it
 * was or as it is now, and the source's counts are recounted at the end.
 *
 * Shared by the admin API (`POST /api/kb/ingest`) and, through it, the
 * admin command `npm run admin -- kb ingest`.
 */
import { newHandle } from "../archon/handles";
import { sha256Hex } from "../auth/credentials";
import type { Database } from "../db/database";
import { ensureSource, pageHashes, refreshSource, writePage } from "../db/knowledge-queries";
import { formatOf, parsePage } from "./page-parser";

/** One document to ingest. */
export interface IngestDocument {
	/** Its path (for a file) or any stable name: the page's `url`, unique in its source. */
	readonly path: string;
	/** The title; by default the first level-1 heading, else the file name. */
	readonly title?: string | undefined;
	/** Markdown, or plain text when the path ends in `.txt`. */
	readonly content: string;
}

/** What one ingest asks for. */
export interface IngestRequest {
	/** The source's unique name; created on first use. */
	readonly source: string;
	/** Replaces the source's summary when given. */
	readonly summary?: string | undefined;
	readonly documents: readonly IngestDocument[];
}

/** What happened to one document. */
export type PageOutcome = "added" | "updated" | "unchanged";

/** The report of an ingest. */
export interface IngestReport {
	readonly source: { source_id: string; name: string };
	readonly added: number;
	readonly updated: number;
	readonly unchanged: number;
	readonly pages: ReadonlyArray<{ url: string; page_id: string; status: PageOutcome }>;
}

/**
 * Ingests `request` into the knowledge base.
 *
 * @example
 * const report = await ingest(db, { source: "docs", documents: [{ path: "a.md", content: "# A" }] }, Date.now());
 */
export async function ingest(
	db: Database,
	request: IngestRequest,
	now: number,
): Promise<IngestReport> {
	const created = await ensureSource(db, {
		id: newHandle("source"),
		name: request.source,
		summary: request.summary ?? "",
		now,
	});
	const sourceId = created.id;
	const stored = await pageHashes(
		db,
		sourceId,
		request.documents.map((document) => document.path),
	);
	const pages: { url: string; page_id: string; status: PageOutcome }[] = [];
	for (const document of request.documents) {
		const parsed = parsePage(
			{ url: document.path, title: document.title, content: document.content },
			formatOf(document.path),
		);
		const contentHash = await sha256Hex(`${parsed.title}\n${parsed.content}`);
		const existing = stored.get(document.path);
		if (existing?.contentHash === contentHash) {
			pages.push({ url: document.path, page_id: existing.id, status: "unchanged" });
			continue;
		}
		const page = { url: document.path, parsed, contentHash };
		let outcome: { id: string; status: PageOutcome };
		try {
			outcome = await storePage(db, sourceId, page, existing?.id, now);
		} catch (error) {
			// Another ingest added this page between our read and our write: the
			// unique (source, url) index refused ours, so store over theirs.
			if (existing || !isUniqueViolation(error)) throw error;
			const theirs = (await pageHashes(db, sourceId, [document.path])).get(document.path);
			if (!theirs) throw error;
			outcome =
				theirs.contentHash === contentHash
					? { id: theirs.id, status: "unchanged" }
					: await storePage(db, sourceId, page, theirs.id, now);
		}
		pages.push({ url: document.path, page_id: outcome.id, status: outcome.status });
	}
	const changed = pages.some((page) => page.status !== "unchanged");
	const summaryChanged = request.summary !== undefined && request.summary !== created.summary;
	if (changed || summaryChanged) {
		await refreshSource(db, sourceId, { summary: request.summary, now });
	}
	const count = (status: PageOutcome) => pages.filter((page) => page.status === status).length;
	return {
		source: { source_id: sourceId, name: created.name },
		added: count("added"),
		updated: count("updated"),
		unchanged: count("unchanged"),
		pages,
	};
}

/**
 * Writes one parsed page: over page `existingId` when given (it keeps its
 * handle), else as a new page.
 */
async function storePage(
	db: Database,
	sourceId: string,
	page: { url: string; parsed: ReturnType<typeof parsePage>; contentHash: string },
	existingId: string | undefined,
	now: number,
): Promise<{ id: string; status: PageOutcome }> {
	const { parsed } = page;
	const id = existingId ?? newHandle("page");
	await writePage(
		db,
		{
			id,
			sourceId,
			url: page.url,
			title: parsed.title,
			content: parsed.content,
			contentHash: page.contentHash,
			wordCount: parsed.wordCount,
			sectionCount: parsed.sections.length,
			codeExampleCount: parsed.codeExamples.length,
			createdAt: now,
			updatedAt: now,
		},
		parsed.sections.map((section, position) => ({ pageId: id, sourceId, position, ...section })),
		parsed.codeExamples.map((example, position) => ({
			pageId: id,
			sourceId,
			position,
			...example,
		})),
		existingId !== undefined,
	);
	return { id, status: existingId ? "updated" : "added" };
}

/** Whether `error` is SQLite's refusal of a duplicate key (D1 passes its message through). */
function isUniqueViolation(error: unknown): boolean {
	return (
		error instanceof Error &&
		/UNIQUE constraint failed/.test(`${error.message} ${String(error.cause ?? "")}`)
	);
}
