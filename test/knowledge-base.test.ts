/**
 * The knowledge base: ingest through the admin API (idempotent by content
 * hash, admins only, bounded), and the five rag_* tools through the Worker
 * in both eras: BM25 ranking on the corpus of test/fixtures/kb/, highlighted
 * snippets, code examples with their language, source and language filters,
 * pagination, size bounds, validation, handles, and tracking.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Agent, agentOf, ERAS, ok, refused, uniqueWord } from "./helpers/archon";
import { modernRows, requestRows } from "./helpers/d1";
import {
	bearer,
	createUser,
	initializeAs,
	PUBLIC_MCP_URL,
	type TestUser,
} from "./helpers/identity";
import {
	fixtureDocuments,
	type IngestReport,
	ingestAs,
	KB_FIXTURES,
	postIngest,
} from "./helpers/kb";
import { post, readResult, rpc, syncMirror } from "./helpers/mcp";
import { envelope, postModern } from "./helpers/modern";

interface Hit {
	page_id: string;
	url: string;
	title: string;
	heading: string;
	snippet: string;
	content: string;
	content_truncated: boolean;
	char_start: number;
	score: number;
}

interface CodeHit {
	url: string;
	language: string;
	summary: string;
	code: string;
	code_truncated: boolean;
	score: number;
}

interface Pagination {
	page: number;
	per_page: number;
	has_more: boolean;
	next_cursor: string | null;
}

/** Rows of the knowledge base tables of one source, FTS rows included. */
async function rowCounts(sourceId: string) {
	return env.DB.prepare(
		`SELECT
			(SELECT count(*) FROM kb_pages WHERE source_id = ?1) AS pages,
			(SELECT count(*) FROM kb_sections WHERE source_id = ?1) AS sections,
			(SELECT count(*) FROM kb_code_examples WHERE source_id = ?1) AS examples,
			(SELECT count(*) FROM kb_sections_fts WHERE kb_sections_fts MATCH 'the' AND rowid IN (SELECT id FROM kb_sections WHERE source_id = ?1)) AS indexed`,
	)
		.bind(sourceId)
		.first<Record<string, number>>();
}

let admin: TestUser;
let corpus: IngestReport;

beforeAll(async () => {
	admin = await createUser({ role: "admin" });
	corpus = await ingestAs(admin.token, uniqueWord("edge-docs"), fixtureDocuments());
});

describe("knowledge base ingest (admin API)", () => {
	it("ingests Markdown and text, cutting sections and code examples with their languages", async () => {
		expect(corpus).toMatchObject({ added: 4, updated: 0, unchanged: 0 });
		for (const page of corpus.pages) expect(page.page_id).toMatch(/^pg_[A-Za-z0-9_-]{22}$/);
		expect(corpus.source.source_id).toMatch(/^src_[A-Za-z0-9_-]{22}$/);
		const { results } = await env.DB.prepare(
			"SELECT p.url, e.language FROM kb_code_examples e JOIN kb_pages p ON p.id = e.page_id WHERE e.source_id = ? ORDER BY p.url, e.position",
		)
			.bind(corpus.source.source_id)
			.all<{ url: string; language: string }>();
		expect(results.map((row) => `${row.url}:${row.language}`)).toEqual([
			"d1-full-text-search.md:sql",
			"d1-full-text-search.md:sql",
			"d1-full-text-search.md:sh",
			"durable-objects.md:ts",
			"durable-objects.md:ts",
			"python-workers.md:python",
			"python-workers.md:",
		]);
		const source = await env.DB.prepare(
			"SELECT page_count, code_example_count, section_count FROM kb_sources WHERE id = ?",
		)
			.bind(corpus.source.source_id)
			.first();
		const counts = await rowCounts(corpus.source.source_id);
		expect(source).toEqual({
			page_count: 4,
			code_example_count: 7,
			section_count: counts?.sections,
		});
		expect(counts?.indexed).toBeGreaterThan(0);
	});

	it("is idempotent: the same content again changes nothing; a changed file replaces its page under the same handle", async () => {
		const name = uniqueWord("idem");
		const first = await ingestAs(admin.token, name, fixtureDocuments());
		const sourceId = first.source.source_id;
		const before = await rowCounts(sourceId);
		const again = await ingestAs(admin.token, name, fixtureDocuments());
		expect(again).toMatchObject({ source: first.source, added: 0, updated: 0, unchanged: 4 });
		expect(again.pages.map((page) => page.page_id)).toEqual(
			first.pages.map((page) => page.page_id),
		);
		expect(await rowCounts(sourceId)).toEqual(before);

		const agent = await agentOf(admin, "modern");
		const word = uniqueWord("zebra");
		const changed = fixtureDocuments().map((document) =>
			document.path === "glossary.txt"
				? { ...document, content: `Glossary\n\nA ${word} is not an isolate.` }
				: document,
		);
		const third = await ingestAs(admin.token, name, changed);
		expect(third).toMatchObject({ added: 0, updated: 1, unchanged: 3 });
		const glossary = first.pages.find((page) => page.url === "glossary.txt");
		expect(third.pages.find((page) => page.url === "glossary.txt")).toEqual({
			...glossary,
			status: "updated",
		});
		const hits = await ok(agent, "rag_search_knowledge_base", { query: word, source_id: sourceId });
		expect((hits.results as Hit[]).map((hit) => hit.page_id)).toEqual([glossary?.page_id]);
		const gone = await ok(agent, "rag_search_knowledge_base", {
			query: "milliseconds container",
			source_id: sourceId,
		});
		expect(gone.results).toEqual([]);
		// The indexes agree with their content tables: replaced rows left the index with them.
		for (const table of ["kb_sections_fts", "kb_code_examples_fts"]) {
			await env.DB.prepare(
				`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`,
			).run();
		}
	});

	it("takes concurrent ingests of the same new pages: every one answers 200, each page is stored once", async () => {
		const name = uniqueWord("race");
		const edited = fixtureDocuments().map((document) => ({
			...document,
			content: `${document.content}\n\nEdited.`,
		}));
		const reports = await Promise.all([
			ingestAs(admin.token, name, fixtureDocuments()),
			ingestAs(admin.token, name, fixtureDocuments()),
			ingestAs(admin.token, name, edited),
		]);
		const sourceId = reports[0]?.source.source_id ?? "";
		for (const report of reports) {
			expect(report.source.source_id).toBe(sourceId);
			expect(report.pages).toHaveLength(4);
		}
		// One handle per url, whichever ingest created it.
		for (const url of reports[0]?.pages.map((page) => page.url) ?? []) {
			const ids = new Set(
				reports.map((report) => report.pages.find((p) => p.url === url)?.page_id),
			);
			expect(ids.size).toBe(1);
		}
		expect(await rowCounts(sourceId)).toMatchObject({ pages: 4 });
	});

	it("refuses a member (403) and a caller without credentials (401), and writes nothing", async () => {
		const member = await createUser();
		const name = uniqueWord("refused");
		const body = { source: name, documents: [{ path: "a.md", content: "# A" }] };
		expect((await postIngest(body, member.token)).status).toBe(403);
		expect((await postIngest(body)).status).toBe(401);
		const row = await env.DB.prepare("SELECT count(*) AS n FROM kb_sources WHERE name = ?")
			.bind(name)
			.first<{ n: number }>();
		expect(row?.n).toBe(0);
	});

	it("answers bad bodies with 4xx and a message: not JSON, wrong type, bad name, no documents, too many, a repeated path, a page too large", async () => {
		const doc = { path: "a.md", content: "# A" };
		const cases: Array<[unknown, number, RegExp, Record<string, string>?]> = [
			["{not json", 400, /not JSON/],
			[
				{ source: "ok", documents: [doc] },
				415,
				/application\/json/,
				{ "content-type": "text/plain" },
			],
			[{ source: "../etc", documents: [doc] }, 400, /source/],
			[{ source: "ok", documents: [] }, 400, /documents/],
			[
				{
					source: "ok",
					documents: Array.from({ length: 51 }, (_, i) => ({ ...doc, path: `${i}.md` })),
				},
				400,
				/documents/,
			],
			[{ source: "ok", documents: [doc, doc] }, 400, /a\.md.*twice/],
			[
				{ source: "ok", documents: [{ path: "big.md", content: "x".repeat(524_289) }] },
				400,
				/content/,
			],
			[{ source: "ok", documents: [{ path: "a.md" }] }, 400, /content/],
			[" ".repeat(8 * 1024 * 1024 + 1), 413, /Payload Too Large/],
		];
		for (const [body, status, message, headers] of cases) {
			const response = await postIngest(body, admin.token, headers);
			const text = await response.text();
			expect(response.status, text).toBe(status);
			expect(text).toMatch(message);
		}
	});
});

describe.each(ERAS)("rag tools (%s era)", (era) => {
	let agent: Agent;
	let sourceId: string;

	beforeAll(async () => {
		agent = await agentOf(await createUser(), era);
		sourceId = corpus.source.source_id;
	});

	it("lists the source with its counts to a member", async () => {
		const sources = new Map<string, Record<string, unknown>>();
		let cursor: string | undefined;
		do {
			const page = await ok(agent, "rag_get_available_sources", {
				per_page: 50,
				...(cursor ? { cursor } : {}),
			});
			for (const source of page.sources as Array<Record<string, unknown>>) {
				sources.set(source.source_id as string, source);
			}
			cursor = (page.pagination as Pagination).next_cursor ?? undefined;
		} while (cursor);
		expect(sources.get(sourceId)).toMatchObject({
			name: corpus.source.name,
			page_count: 4,
			code_example_count: 7,
		});
	});

	it("ranks with BM25: the page about the query comes first, with the matched words highlighted", async () => {
		const alarms = await ok(agent, "rag_search_knowledge_base", {
			query: "alarm handler",
			source_id: sourceId,
		});
		const hits = alarms.results as Hit[];
		expect(hits[0]).toMatchObject({
			url: "durable-objects.md",
			title: "Durable Objects",
			heading: "Durable Objects › Alarms",
		});
		expect(hits[0]?.snippet).toMatch(/«alarm»/i);
		expect(hits[0]?.snippet).toMatch(/«handler»/i);
		const scores = hits.map((hit) => hit.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));

		const bm25 = await ok(agent, "rag_search_knowledge_base", {
			query: "rank matches with bm25 column weights",
			source_id: sourceId,
		});
		expect((bm25.results as Hit[])[0]).toMatchObject({
			url: "d1-full-text-search.md",
			heading: "D1 full-text search › Ranking with BM25",
		});

		const text = await ok(agent, "rag_search_knowledge_base", {
			query: "isolate cold start",
			source_id: sourceId,
		});
		expect((text.results as Hit[])[0]).toMatchObject({ url: "glossary.txt", title: "glossary" });
	});

	it("finds code examples by summary and code, with their language, and filters by language", async () => {
		const python = await ok(agent, "rag_search_code_examples", {
			query: "fetch handler response",
			source_id: sourceId,
		});
		const first = (python.results as CodeHit[])[0];
		expect(first).toMatchObject({ url: "python-workers.md", language: "python" });
		expect(first?.code).toContain("async def on_fetch");
		expect(first?.summary).toContain("A fetch handler");

		const sh = await ok(agent, "rag_search_code_examples", {
			query: "apply migrations",
			source_id: sourceId,
			language: "SH",
		});
		expect((sh.results as CodeHit[]).map((hit) => hit.language)).toEqual(["sh"]);

		const sql = await ok(agent, "rag_search_code_examples", {
			query: "fts5 bm25 docs",
			source_id: sourceId,
			language: "sql",
		});
		expect((sql.results as CodeHit[]).length).toBe(2);
		expect((sql.results as CodeHit[]).every((hit) => hit.language === "sql")).toBe(true);
	});

	it("narrows searches to one source", async () => {
		const other = await ingestAs(admin.token, uniqueWord("other"), [
			{ path: "alarms.md", content: "# Alarm clocks\n\nAn alarm handler rings a bell." },
		]);
		const everywhere = await ok(agent, "rag_search_knowledge_base", {
			query: "alarm handler",
			match_count: 20,
		});
		const urls = (everywhere.results as Hit[]).map((hit) => hit.url);
		expect(urls).toContain("alarms.md");
		const narrowed = await ok(agent, "rag_search_knowledge_base", {
			query: "alarm handler",
			source_id: other.source.source_id,
		});
		expect((narrowed.results as Hit[]).map((hit) => hit.url)).toEqual(["alarms.md"]);
	});

	it("pages search results and page lists with a cursor", async () => {
		const seen: string[] = [];
		const sizes: number[] = [];
		let cursor: string | undefined;
		do {
			const page = await ok(agent, "rag_search_knowledge_base", {
				query: "the",
				source_id: sourceId,
				match_count: 2,
				...(cursor ? { cursor } : {}),
			});
			const hits = page.results as Hit[];
			sizes.push(hits.length);
			seen.push(...hits.map((hit) => `${hit.page_id}@${hit.char_start}`));
			cursor = (page.pagination as Pagination).next_cursor ?? undefined;
		} while (cursor && sizes.length < 20);
		expect(sizes.length).toBeGreaterThan(2);
		expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
		expect(new Set(seen).size).toBe(seen.length);

		const first = await ok(agent, "rag_list_pages_for_source", {
			source_id: sourceId,
			per_page: 3,
		});
		expect(first.pages).toHaveLength(3);
		expect((first.pages as Array<{ url: string }>).map((page) => page.url)).toEqual([
			"d1-full-text-search.md",
			"durable-objects.md",
			"glossary.txt",
		]);
		expect(first.source).toMatchObject({ source_id: sourceId, page_count: 4 });
		const pagination = first.pagination as Pagination;
		expect(pagination.has_more).toBe(true);
		const rest = await ok(agent, "rag_list_pages_for_source", {
			source_id: sourceId,
			per_page: 3,
			cursor: pagination.next_cursor,
		});
		expect(rest.pages).toEqual([
			expect.objectContaining({ url: "python-workers.md", title: "Python Workers" }),
		]);
		expect(rest.pagination).toMatchObject({ has_more: false, next_cursor: null });
		expect(
			await refused(agent, "rag_search_knowledge_base", { query: "alarm", cursor: "bm9wZQ" }),
		).toContain("cursor");
	});

	it("reads a page by handle or url, in slices that join up to the whole page", async () => {
		const page = corpus.pages.find((p) => p.url === "durable-objects.md");
		const whole = await ok(agent, "rag_read_full_page", { page_id: page?.page_id });
		expect(whole).toMatchObject({
			content: KB_FIXTURES["durable-objects.md"],
			offset: 0,
			next_offset: null,
			page: { page_id: page?.page_id, title: "Durable Objects", url: "durable-objects.md" },
		});
		const byUrl = await ok(agent, "rag_read_full_page", {
			url: "durable-objects.md",
			source_id: sourceId,
		});
		expect(byUrl.content).toBe(whole.content);

		let text = "";
		let offset: number | null = 0;
		let calls = 0;
		while (offset !== null) {
			const slice = await ok(agent, "rag_read_full_page", {
				page_id: page?.page_id,
				offset,
				max_chars: 250,
			});
			expect((slice.content as string).length).toBeLessThanOrEqual(250);
			text += slice.content as string;
			offset = slice.next_offset as number | null;
			calls += 1;
		}
		expect(text).toBe(whole.content);
		expect(calls).toBe(Math.ceil((whole.content_chars as number) / 250));

		const hit = (
			(await ok(agent, "rag_search_knowledge_base", { query: "storage sql", source_id: sourceId }))
				.results as Hit[]
		).find((h) => h.heading.endsWith("Storage"));
		const atHit = await ok(agent, "rag_read_full_page", {
			page_id: hit?.page_id,
			offset: hit?.char_start,
			max_chars: 10,
		});
		expect(atHit.content).toBe("## Storage");
	});
});

describe("rag tools: declarations", () => {
	it("lists the five rag tools with input and output schemas, read-only annotations and a description", async () => {
		const response = await postModern("tools/list", {});
		const tools = ((await readResult(response)).result as { tools: Array<Record<string, unknown>> })
			.tools;
		const rag = tools.filter((tool) => (tool.name as string).startsWith("rag_"));
		expect(rag.map((tool) => tool.name).sort()).toEqual([
			"rag_get_available_sources",
			"rag_list_pages_for_source",
			"rag_read_full_page",
			"rag_search_code_examples",
			"rag_search_knowledge_base",
		]);
		for (const tool of rag) {
			expect(tool.inputSchema, tool.name as string).toMatchObject({ type: "object" });
			expect(tool.outputSchema, tool.name as string).toMatchObject({ type: "object" });
			expect(tool.annotations).toEqual({
				readOnlyHint: true,
				destructiveHint: false,
				idempotentHint: true,
				openWorldHint: false,
			});
			expect((tool.description as string).length).toBeGreaterThan(200);
		}
	});
});

describe("rag tools: validation, handles and size bounds", () => {
	it("refuses bad arguments with a clear message and a query FTS5 would choke on is just words", async () => {
		const agent = await agentOf(await createUser(), "legacy");
		expect(await refused(agent, "rag_search_knowledge_base", { query: "" })).toMatch(/query/);
		expect(await refused(agent, "rag_search_knowledge_base", { query: '"*( ) -' })).toContain(
			"query has no words",
		);
		expect(
			await refused(agent, "rag_search_knowledge_base", { query: "alarm", match_count: 21 }),
		).toMatch(/match_count/);
		expect(
			await refused(agent, "rag_search_code_examples", { query: "alarm", match_count: 0 }),
		).toMatch(/match_count/);
		expect(
			await refused(agent, "rag_read_full_page", { page_id: "pg_x", max_chars: 20_001 }),
		).toMatch(/max_chars/);
		const tricky = await ok(agent, "rag_search_knowledge_base", {
			query: 'alarm" OR NEAR(handler AND -"storage*',
			source_id: corpus.source.source_id,
		});
		expect((tricky.results as Hit[])[0]?.url).toBe("durable-objects.md");
	});

	it("answers an unknown or malformed handle, or url, with one 'not found' message", async () => {
		const agent = await agentOf(await createUser(), "modern");
		for (const [tool, args, message] of [
			[
				"rag_list_pages_for_source",
				{ source_id: "src_AAAAAAAAAAAAAAAAAAAAAA" },
				/^No source with source_id "src_A+" is in the knowledge base/,
			],
			[
				"rag_list_pages_for_source",
				{ source_id: "prj_AAAAAAAAAAAAAAAAAAAAAA" },
				/^No source with source_id/,
			],
			[
				"rag_search_knowledge_base",
				{ query: "alarm", source_id: "nope" },
				/^No source with source_id "nope"/,
			],
			[
				"rag_search_code_examples",
				{ query: "alarm", source_id: "src_AAAAAAAAAAAAAAAAAAAAAA" },
				/^No source/,
			],
			[
				"rag_read_full_page",
				{ page_id: "pg_AAAAAAAAAAAAAAAAAAAAAA" },
				/^No page with page_id "pg_A+" is in the knowledge base/,
			],
			["rag_read_full_page", { url: "missing.md" }, /^No page with url "missing.md"/],
			["rag_read_full_page", {}, /exactly one of page_id or url/],
			[
				"rag_read_full_page",
				{ page_id: corpus.pages[0]?.page_id, url: "a.md" },
				/exactly one of page_id or url/,
			],
		] as const) {
			expect(await refused(agent, tool, args)).toMatch(message);
		}
		expect(
			await refused(agent, "rag_read_full_page", {
				page_id: corpus.pages[0]?.page_id,
				offset: 500_000,
			}),
		).toContain("past the end of the page");
	});

	it("asks for a source when a url is in several sources", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const url = `${uniqueWord("shared")}.md`;
		await ingestAs(admin.token, uniqueWord("one"), [{ path: url, content: "# One" }]);
		const two = await ingestAs(admin.token, uniqueWord("two"), [{ path: url, content: "# Two" }]);
		expect(await refused(agent, "rag_read_full_page", { url })).toContain("more than one source");
		expect(
			(await ok(agent, "rag_read_full_page", { url, source_id: two.source.source_id })).content,
		).toBe("# Two");
	});

	it("bounds every result: section text, code and page slices are cut, and say so", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const word = uniqueWord("huge");
		const paragraph = `${word} ${"lorem ipsum dolor sit amet ".repeat(40)}\n\n`;
		const longHeading = `## Long ${word} ${"heading ".repeat(500)}\n\n${word} ${"y".repeat(5000)}\n\n`;
		const content = `# Huge\n\n${paragraph.repeat(60)}${longHeading}\`\`\`js\n// ${word}\n${"let x = 1;\n".repeat(600)}\`\`\`\n`;
		const { source } = await ingestAs(admin.token, uniqueWord("bounds"), [
			{ path: "huge.md", content },
		]);
		const search = await ok(agent, "rag_search_knowledge_base", {
			query: word,
			source_id: source.source_id,
			match_count: 20,
		});
		const hits = search.results as Hit[];
		expect(hits.length).toBeGreaterThan(1);
		for (const hit of hits) {
			expect(hit.content.length).toBeLessThanOrEqual(1200);
			expect(hit.snippet.length).toBeLessThanOrEqual(600);
			expect(hit.heading.length).toBeLessThanOrEqual(500);
		}
		expect(hits.some((hit) => hit.heading.startsWith(`Huge › Long ${word}`))).toBe(true);
		expect(hits.some((hit) => hit.content_truncated)).toBe(true);
		const code = (
			await ok(agent, "rag_search_code_examples", { query: word, source_id: source.source_id })
		).results as CodeHit[];
		expect(code[0]?.code.length).toBe(3000);
		expect(code[0]?.code_truncated).toBe(true);
		const page = await ok(agent, "rag_read_full_page", {
			url: "huge.md",
			source_id: source.source_id,
		});
		expect((page.content as string).length).toBe(20_000);
		expect(page.next_offset).toBe(20_000);
		expect(page.content_chars).toBe(content.length);
		expect(JSON.stringify(search).length).toBeLessThan(40_000);
	});
});

describe("rag tools: tracking", () => {
	it("logs rag tool calls of a legacy session like any other request, a refusal as an error", async () => {
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		for (const args of [
			{ query: "alarm" },
			{ query: "alarm", source_id: "src_AAAAAAAAAAAAAAAAAAAAAA" },
		]) {
			const response = await post(
				rpc("tools/call", { name: "rag_search_knowledge_base", arguments: args }),
				{ url: PUBLIC_MCP_URL, session: sessionId, headers: bearer(user.token) },
			);
			await readResult(response);
		}
		await syncMirror(sessionId);
		const calls = (await requestRows(sessionId)).filter((row) => row.method === "tools/call");
		expect(calls.map((row) => [row.tool_name, row.status, row.user_id])).toEqual([
			["rag_search_knowledge_base", "success", user.id],
			["rag_search_knowledge_base", "error", user.id],
		]);
	});

	it("logs a 2026-07-28 rag tool call with its era and client", async () => {
		const user = await createUser();
		const client = uniqueWord("kb-client");
		const response = await postModern(
			"tools/call",
			{ name: "rag_get_available_sources", arguments: {} },
			{ url: PUBLIC_MCP_URL, headers: bearer(user.token), meta: envelope(client) },
		);
		expect(response.status).toBe(200);
		const message = await readResult(response);
		expect((message.result as { isError?: boolean }).isError).toBeUndefined();
		const rows = await modernRows(client);
		expect(rows.map((row) => [row.era, row.tool_name, row.status, row.user_id])).toEqual([
			["modern", "rag_get_available_sources", "success", user.id],
		]);
	});
});
