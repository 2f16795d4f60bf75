/**
 * `npm run admin -- kb ingest` against the Worker under test: the command
 * reads the fixture corpus (files given in memory), sends it to the admin
 * API, and a second run finds every page unchanged; a member's token is
 * refused by the server and the command fails with its answer.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inMemoryFiles, runAdminWith } from "../helpers/admin-cli";
import { uniqueWord } from "../helpers/archon";
import { createUser, PUBLIC_ORIGIN } from "../helpers/identity";
import { KB_FIXTURES } from "../helpers/kb";
import { fetchWorker } from "../helpers/mcp";

/** The fixture folder as the command sees it, plus a file ingest skips. */
const FILES: Record<string, string> = {
	...Object.fromEntries(Object.entries(KB_FIXTURES).map(([name, text]) => [`kb/${name}`, text])),
	"kb/image.png": "not text",
};

/** Runs the admin command with `FILES` on disk and the Worker behind `fetch`. */
async function admin(argv: string[]) {
	const requests: Request[] = [];
	const run = await runAdminWith(argv, {
		d1: async () => {
			throw new Error("kb ingest must not touch D1 directly");
		},
		fetch: async (input, init) => {
			const request = new Request(input, init);
			requests.push(request.clone());
			return fetchWorker(request.url, request);
		},
		...inMemoryFiles(FILES),
	});
	return { ...run, requests };
}

describe("admin: kb ingest", () => {
	it("ingests a folder's Markdown and text files through the server, then finds them unchanged", async () => {
		const { token } = await createUser({ role: "admin" });
		const source = uniqueWord("cli-docs");
		const argv = [
			"kb",
			"ingest",
			"kb",
			"--source",
			source,
			"--url",
			PUBLIC_ORIGIN,
			"--admin-token",
			token,
		];
		const first = await admin(argv);
		expect(first.code, first.err).toBe(0);
		expect(first.out).toMatch(
			new RegExp(
				`^Source ${source} \\(src_[A-Za-z0-9_-]{22}\\): 4 added, 0 updated, 0 unchanged; 1 other files skipped\\.`,
			),
		);
		expect(
			first.requests.map((request) => `${request.method} ${new URL(request.url).pathname}`),
		).toEqual(["POST /api/kb/ingest"]);
		const sent = (await first.requests[0]?.json()) as { documents: Array<{ path: string }> };
		expect(sent.documents.map((document) => document.path)).toEqual([
			"d1-full-text-search.md",
			"durable-objects.md",
			"glossary.txt",
			"python-workers.md",
		]);

		const second = await admin([...argv, "--json"]);
		expect(second.code, second.err).toBe(0);
		expect(JSON.parse(second.out)).toMatchObject({
			added: 0,
			updated: 0,
			unchanged: 4,
			skipped: 1,
		});
		const row = await env.DB.prepare("SELECT page_count FROM kb_sources WHERE name = ?")
			.bind(source)
			.first<{ page_count: number }>();
		expect(row?.page_count).toBe(4);
	});

	it("ingests one file, named by its base name", async () => {
		const { token } = await createUser({ role: "admin" });
		const run = await admin([
			"kb",
			"ingest",
			"kb/glossary.txt",
			"--source",
			uniqueWord("one"),
			"--url",
			PUBLIC_ORIGIN,
			"--admin-token",
			token,
			"--json",
		]);
		expect(run.code, run.err).toBe(0);
		expect(JSON.parse(run.out).pages).toEqual([
			expect.objectContaining({ url: "glossary.txt", status: "added" }),
		]);
	});

	it("fails with the server's answer for a member, and refuses a wrong call before sending anything", async () => {
		const member = await createUser();
		const refused = await admin([
			"kb",
			"ingest",
			"kb",
			"--source",
			"docs",
			"--url",
			PUBLIC_ORIGIN,
			"--admin-token",
			member.token,
		]);
		expect(refused.code).toBe(1);
		expect(refused.err).toMatch(/answered 403.*admin role required/);

		const noSource = await admin(["kb", "ingest", "kb"]);
		expect(noSource.code).toBe(2);
		expect(noSource.err).toContain("--source is required");
		const badName = await admin(["kb", "ingest", "kb", "--source", "../x"]);
		expect(badName.code).toBe(2);
		const remote = await admin(["kb", "ingest", "kb", "--source", "docs", "--remote"]);
		expect(remote.code).toBe(2);
		expect(remote.err).toContain("through the server");
		const empty = await admin([
			"kb",
			"ingest",
			"nothing-here",
			"--source",
			"docs",
			"--url",
			PUBLIC_ORIGIN,
		]);
		expect(empty.code).toBe(1);
		expect(empty.err).toContain("no .md, .markdown or .txt file");
		for (const run of [noSource, badName, remote, empty]) expect(run.requests).toEqual([]);
	});
});
