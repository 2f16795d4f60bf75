/**
 * Session export and import through the admin API (docs/export-format.md):
 * a round trip keeps every row, bad lines are reported by number and write
 * nothing, a second import changes nothing, and a session live at export is
 * live again after import, in its Durable Object, with the same id, owner,
 * handshake and remaining idle time.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
	bearer,
	createUser,
	PUBLIC_MCP_URL,
	PUBLIC_ORIGIN,
	type TestUser,
} from "./helpers/identity";
import { fetchWorker, post, readResult, rpc, sessionStub, structured } from "./helpers/mcp";
import { fixtureSessionId, MINUTE, writeHistory } from "./helpers/metrics-fixture";

const START = Date.UTC(2004, 5, 1);

let admin: TestUser;
let owner: TestUser;
const ended = fixtureSessionId();
const busy = fixtureSessionId();

/** Exports the owner's sessions through the admin API. */
async function exportOwned(user: TestUser = admin): Promise<{ status: number; lines: string[] }> {
	const response = await fetchWorker(
		`${PUBLIC_ORIGIN}/api/sessions/export?user=${encodeURIComponent(owner.email)}`,
		{ headers: bearer(user.token) },
	);
	const text = await response.text();
	return { status: response.status, lines: text.split("\n").filter((line) => line !== "") };
}

/** Imports `lines` through the admin API and returns the reports and the summary. */
async function importLines(lines: readonly string[]) {
	const response = await fetchWorker(`${PUBLIC_ORIGIN}/api/sessions/import`, {
		method: "POST",
		headers: { ...bearer(admin.token), "content-type": "application/x-ndjson" },
		body: `${lines.join("\n")}\n`,
	});
	expect(response.status).toBe(200);
	const answers = (await response.text())
		.split("\n")
		.filter((line) => line !== "")
		.map((line) => JSON.parse(line) as Record<string, unknown>);
	const summary = answers.at(-1)?.summary as Record<string, unknown>;
	return { reports: answers.slice(0, -1), summary };
}

/** Every row of the owner's sessions and their requests, in a stable order. */
async function ownedRows() {
	const sessions = await env.DB.prepare(
		"SELECT * FROM archon_mcp_sessions WHERE user_id = ? ORDER BY session_id",
	)
		.bind(owner.id)
		.all();
	const requests = await env.DB.prepare(
		"SELECT r.* FROM archon_mcp_requests r JOIN archon_mcp_sessions s USING (session_id) WHERE s.user_id = ? ORDER BY r.request_id",
	)
		.bind(owner.id)
		.all();
	return { sessions: sessions.results, requests: requests.results };
}

async function deleteOwned(): Promise<void> {
	await env.DB.prepare("DELETE FROM archon_mcp_sessions WHERE user_id = ?").bind(owner.id).run();
}

beforeAll(async () => {
	admin = await createUser({ role: "admin" });
	owner = await createUser();
	const who = { userId: owner.id, email: owner.email };
	await writeHistory(
		START,
		[
			{
				id: ended,
				...who,
				clientName: "cursor-vscode",
				clientType: "Cursor",
				connectedMin: 0,
				lastActivityMin: 5,
				ended: { min: 15, reason: "timeout" },
			},
			{
				id: busy,
				...who,
				clientName: "claude-code",
				clientType: "Claude Code",
				connectedMin: 1,
				lastActivityMin: 9,
				ended: { min: 10, reason: "client_terminated" },
			},
		],
		[
			{
				sessionId: ended,
				era: "legacy",
				method: "initialize",
				atMs: 0,
				durationMs: 2.5,
				userId: owner.id,
				clientName: "cursor-vscode",
			},
			{
				sessionId: ended,
				era: "legacy",
				method: "tools/call",
				tool: "health_check",
				atMs: 1000,
				durationMs: 7.25,
				error: "boom",
				userId: owner.id,
				clientName: "cursor-vscode",
				traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
			},
			// 1005 rows: the session line takes 1000, a requests line the other 5.
			...Array.from({ length: 1005 }, (_, i) => ({
				sessionId: busy,
				era: "legacy" as const,
				method: "ping",
				atMs: MINUTE + i,
				durationMs: 1,
				userId: owner.id,
				clientName: "claude-code",
			})),
		],
	);
});

describe("session export", () => {
	it("writes a header, a line per session with its rows, and a requests line past 1000 rows", async () => {
		const { status, lines } = await exportOwned();
		expect(status).toBe(200);
		const [header, ...data] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(header).toMatchObject({ format: "archon-mcp-sessions", version: 1 });
		const kinds = data.map((line) => [line.type, (line.requests as unknown[]).length]);
		const sessionIds = [ended, busy].sort();
		const expected = sessionIds.flatMap((id) =>
			id === busy
				? [
						["session", 1000],
						["requests", 5],
					]
				: [["session", 2]],
		);
		expect(kinds).toEqual(expected);
		expect((await exportOwned(owner)).status).toBe(403);
	});

	it("round-trips: imported into a state without them, every row comes back as it was", async () => {
		const before = await ownedRows();
		expect(before.requests).toHaveLength(1007);
		const { lines } = await exportOwned();
		await deleteOwned();
		expect((await ownedRows()).sessions).toHaveLength(0);
		const { reports, summary } = await importLines(lines);
		expect(reports.every((report) => report.ok === true)).toBe(true);
		expect(summary).toMatchObject({
			sessions: { imported: 2, skipped: 0 },
			requests: { imported: 1007, skipped: 0 },
			errors: 0,
		});
		expect(await ownedRows()).toEqual(before);
	});

	it("is idempotent: a second import skips every session and row and changes nothing", async () => {
		const { lines } = await exportOwned();
		const before = await ownedRows();
		const { summary } = await importLines(lines);
		expect(summary).toMatchObject({
			sessions: { imported: 0, skipped: 2 },
			requests: { imported: 0, skipped: 1007 },
			errors: 0,
		});
		expect(await ownedRows()).toEqual(before);
	});

	it("reports bad lines by number and writes nothing of them, while good lines go in", async () => {
		const { lines } = await exportOwned();
		const [header = "", first = ""] = lines;
		const good = JSON.parse(first) as {
			session: Record<string, unknown>;
			requests: Array<Record<string, unknown>>;
		};
		const fresh = fixtureSessionId();
		const goodLine = JSON.stringify({
			...good,
			session: { ...good.session, session_id: fresh },
			requests: good.requests.map((request) => ({ ...request, request_id: crypto.randomUUID() })),
		});
		const badStatus = JSON.stringify({
			...good,
			session: { ...good.session, session_id: fixtureSessionId(), status: "sleeping" },
		});
		const orphan = JSON.stringify({
			type: "requests",
			session_id: fixtureSessionId(),
			requests: good.requests,
		});
		const { reports, summary } = await importLines([
			header,
			"{not json",
			badStatus,
			"",
			orphan,
			goodLine,
		]);
		expect(reports.map((report) => [report.line, report.ok])).toEqual([
			[2, false],
			[3, false],
			[5, false],
			[6, true],
		]);
		expect(reports[0]?.error).toBe("not valid JSON");
		expect(reports[1]?.error).toMatch(/^session\.status: /);
		expect(reports[2]?.error).toMatch(/is not in the database/);
		expect(summary).toMatchObject({ errors: 3, sessions: { imported: 1, skipped: 0 } });
		const row = await env.DB.prepare("SELECT status FROM archon_mcp_sessions WHERE session_id = ?")
			.bind(fresh)
			.first();
		expect(row).toEqual({ status: good.session.status });
	});

	it("refuses a file of another format version at line 1", async () => {
		const { reports } = await importLines([
			JSON.stringify({ format: "archon-mcp-sessions", version: 2, exported_at: 1, filters: {} }),
		]);
		expect(reports).toEqual([
			{ line: 1, ok: false, error: expect.stringMatching(/version 2 is not supported/) },
		]);
	});
});

describe("a live session", () => {
	it("imported into a state that never had it, is live again: same id, owner, handshake and remaining idle time", async () => {
		const sessionId = fixtureSessionId();
		const exportedAt = Date.now();
		const line = {
			type: "session",
			session: {
				session_id: sessionId,
				client_type: "Cursor",
				client_name: "cursor-vscode",
				client_version: "1.4.2",
				client_capabilities: { roots: { listChanged: true } },
				protocol_version: "2025-06-18",
				connected_at: exportedAt - 20 * MINUTE,
				last_activity: exportedAt - 5 * MINUTE,
				disconnected_at: null,
				status: "active",
				disconnect_reason: null,
				total_duration: null,
				user_id: owner.id,
				user_email: owner.email,
				metadata: { handshakeCount: 1, requestCount: 4, timeoutSeconds: 900 },
			},
			live: { remaining_idle_ms: 10 * MINUTE, timeout_seconds: 900 },
			requests: [],
		};
		const header = JSON.stringify({
			format: "archon-mcp-sessions",
			version: 1,
			exported_at: exportedAt,
			filters: {},
		});
		const importedAt = Date.now();
		const first = await importLines([header, JSON.stringify(line)]);
		const stored = await runInDurableObject(sessionStub(sessionId), (_instance, state) =>
			state.storage.kv.get<{ expiresAt: number; userId: string; protocolVersion: string }>(
				"session",
			),
		);
		expect(stored?.userId).toBe(owner.id);
		expect(stored?.protocolVersion).toBe("2025-06-18");
		// The idle time left at export (10 minutes) counts from the import.
		expect(stored?.expiresAt).toBeGreaterThanOrEqual(importedAt + 10 * MINUTE);
		expect(stored?.expiresAt).toBeLessThanOrEqual(Date.now() + 10 * MINUTE);
		expect(first.reports).toEqual([
			expect.objectContaining({ ok: true, session: "imported", live: "restored" }),
		]);
		// The client goes on with its old id, without initialize.
		const response = await post(rpc("tools/call", { name: "session_info", arguments: {} }), {
			url: PUBLIC_MCP_URL,
			session: sessionId,
			version: "2025-06-18",
			headers: bearer(owner.token),
		});
		expect(response.status).toBe(200);
		const info = structured((await readResult(response)).result as Record<string, unknown>);
		expect(info).toMatchObject({ sessionId, clientName: "cursor-vscode", clientVersion: "1.4.2" });
		// Another user's credentials still get 404: the owner came back with the session.
		const other = await createUser();
		const stranger = await post(rpc("ping"), {
			url: PUBLIC_MCP_URL,
			session: sessionId,
			version: "2025-06-18",
			headers: bearer(other.token),
		});
		expect(stranger.status).toBe(404);
		const again = await importLines([header, JSON.stringify(line)]);
		expect(again.reports).toEqual([
			expect.objectContaining({ ok: true, session: "skipped", live: "already-live" }),
		]);
	});

	it("whose idle time ran out before the import, comes back expired", async () => {
		const sessionId = fixtureSessionId();
		const line = {
			type: "session",
			session: {
				session_id: sessionId,
				client_type: "Other",
				client_name: "x",
				client_version: "1",
				client_capabilities: {},
				protocol_version: "2025-06-18",
				connected_at: START,
				last_activity: START + MINUTE,
				disconnected_at: null,
				status: "active",
				disconnect_reason: null,
				total_duration: null,
				user_id: owner.id,
				user_email: owner.email,
				metadata: { timeoutSeconds: 60 },
			},
			live: { remaining_idle_ms: 0, timeout_seconds: 60 },
			requests: [],
		};
		const header = JSON.stringify({
			format: "archon-mcp-sessions",
			version: 1,
			exported_at: START,
			filters: {},
		});
		const { reports } = await importLines([header, JSON.stringify(line)]);
		expect(reports).toEqual([expect.objectContaining({ ok: true, live: null })]);
		const row = await env.DB.prepare(
			"SELECT status, disconnect_reason, disconnected_at FROM archon_mcp_sessions WHERE session_id = ?",
		)
			.bind(sessionId)
			.first();
		expect(row).toEqual({
			status: "expired",
			disconnect_reason: "timeout",
			disconnected_at: START + 2 * MINUTE,
		});
	});
});
