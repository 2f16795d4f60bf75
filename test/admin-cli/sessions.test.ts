/**
 * `npm run admin -- sessions export|import` on D1 (the test D1 stands in for
 * `wrangler d1 execute`): the export round-trips through the import, a bad
 * line fails the command with its number while the others go in, and a live
 * session is reported as needing a running server.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { D1Row } from "../../scripts/admin/d1-command.ts";
import { inMemoryFiles, runAdminWith } from "../helpers/admin-cli";
import { createUser } from "../helpers/identity";
import { fixtureSessionId, writeHistory } from "../helpers/metrics-fixture";

/** Runs the admin command with `files` readable by name; statements run as one D1 batch, as wrangler does. */
function admin(argv: string[], files: Record<string, string> = {}) {
	return runAdminWith(argv, {
		d1: async (statement) => {
			// The harness splits at the separator the command joins with; test values hold none.
			const parts = statement.text.split(";\n").map((text) => env.DB.prepare(text));
			const results = await env.DB.batch<D1Row>(parts);
			return results.at(-1)?.results ?? [];
		},
		fetch,
		...inMemoryFiles(files),
	});
}

describe("admin: sessions export and import on D1", () => {
	it("round-trips a user's sessions, then skips them all on a second import", async () => {
		const user = await createUser();
		const [a, b] = [fixtureSessionId(), fixtureSessionId()];
		const who = { userId: user.id, email: user.email };
		await writeHistory(
			Date.UTC(2005, 0, 1),
			[
				{
					id: a,
					...who,
					clientName: "cline",
					clientType: "Cline",
					connectedMin: 0,
					lastActivityMin: 1,
					ended: { min: 3, reason: "evicted" },
				},
				{
					id: b,
					...who,
					clientName: "cline",
					clientType: "Cline",
					connectedMin: 2,
					lastActivityMin: 4,
					ended: { min: 5, reason: "timeout" },
				},
			],
			[
				{
					sessionId: a,
					era: "legacy",
					method: "tools/call",
					tool: "health_check",
					atMs: 1000,
					durationMs: 12.75,
					userId: user.id,
					clientName: "cline",
				},
				{
					sessionId: b,
					era: "legacy",
					method: "ping",
					atMs: 130_000,
					durationMs: 0.5,
					error: "it's 'quoted'",
					userId: user.id,
					clientName: "cline",
				},
			],
		);
		const exported = await admin(["sessions", "export", "--user", user.email]);
		expect(exported.code, exported.err).toBe(0);
		const lines = exported.out.trimEnd().split("\n");
		expect(lines).toHaveLength(3);
		const rowsOf = async () =>
			(
				await env.DB.prepare(
					"SELECT s.*, r.request_id, r.duration_ms, r.error_message FROM archon_mcp_sessions s LEFT JOIN archon_mcp_requests r USING (session_id) WHERE s.user_id = ? ORDER BY s.session_id",
				)
					.bind(user.id)
					.all()
			).results;
		const before = await rowsOf();
		await env.DB.prepare("DELETE FROM archon_mcp_sessions WHERE user_id = ?").bind(user.id).run();

		const imported = await admin(["sessions", "import", "backup.ndjson", "--json"], {
			"backup.ndjson": exported.out,
		});
		expect(imported.code, imported.err).toBe(0);
		expect(JSON.parse(imported.out).summary).toMatchObject({
			sessions: { imported: 2, skipped: 0 },
			requests: { imported: 2, skipped: 0 },
			errors: 0,
		});
		expect(await rowsOf()).toEqual(before);

		const again = await admin(["sessions", "import", "backup.ndjson"], {
			"backup.ndjson": exported.out,
		});
		expect(again.code, again.err).toBe(0);
		expect(again.out).toContain("Sessions: 0 imported, 2 skipped");
		expect(again.out).toContain("Request rows: 0 imported, 2 skipped");
		expect(await rowsOf()).toEqual(before);
	});

	it("reports a bad line by number and exits 1, after importing the good ones", async () => {
		const user = await createUser();
		const id = fixtureSessionId();
		await writeHistory(
			Date.UTC(2005, 1, 1),
			[
				{
					id,
					userId: user.id,
					email: user.email,
					clientName: "zed",
					clientType: "Zed",
					connectedMin: 0,
					lastActivityMin: 1,
					ended: { min: 2, reason: "timeout" },
				},
			],
			[],
		);
		const exported = await admin(["sessions", "export", "--user", user.id]);
		const [header = "", line = ""] = exported.out.trimEnd().split("\n");
		await env.DB.prepare("DELETE FROM archon_mcp_sessions WHERE session_id = ?").bind(id).run();
		const file = [header, '{"type":"session"}', line].join("\n");
		const run = await admin(["sessions", "import", "f.ndjson"], { "f.ndjson": file });
		expect(run.code).toBe(1);
		expect(run.err).toMatch(/1 line\(s\) refused/);
		expect(run.err).toMatch(/line 2: session: /);
		const row = await env.DB.prepare("SELECT status FROM archon_mcp_sessions WHERE session_id = ?")
			.bind(id)
			.first();
		expect(row).toEqual({ status: "expired" });
	});

	it("says that a live session needs a running server, and refuses a call without a file", async () => {
		const user = await createUser();
		const id = fixtureSessionId();
		await writeHistory(
			Date.now() - 60_000,
			[
				{
					id,
					userId: user.id,
					email: user.email,
					clientName: "goose",
					clientType: "Goose",
					connectedMin: 0,
					lastActivityMin: 0,
				},
			],
			[],
		);
		const exported = await admin(["sessions", "export", "--user", user.id, "--status", "active"]);
		expect(JSON.parse(exported.out.split("\n")[1] ?? "{}").live).toMatchObject({
			timeout_seconds: 600,
		});
		await env.DB.prepare("DELETE FROM archon_mcp_sessions WHERE session_id = ?").bind(id).run();
		const run = await admin(["sessions", "import", "live.ndjson"], { "live.ndjson": exported.out });
		expect(run.code, run.err).toBe(0);
		expect(run.out).toMatch(/1 session\(s\) were live at export/);
		const missing = await admin(["sessions", "import"]);
		expect(missing.code).toBe(2);
		expect(missing.err).toMatch(/FILE is required/);
	});
});
