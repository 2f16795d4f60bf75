/**
 * The request log of both eras in D1: the migration that made it era-aware,
 * its queries, and the modern lane's batched writer.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../src/db/database";
import {
	insertLateLegacyRow,
	insertRequestRows,
	type RequestRow,
	requestMetrics,
} from "../src/db/request-rows";
import { mcpRequests } from "../src/db/schema";
import { RequestRowWriter } from "../src/modern/row-writer";
import type { RequestRecord } from "../src/session/session-record";
import { bringD1Online, type RequestRowRaw, requestRowsWhere, takeD1Offline } from "./helpers/d1";
import { initialize, sessionStub, syncMirror } from "./helpers/mcp";

const db = () => openDatabase(env.DB);

afterEach(() => vi.restoreAllMocks());

/** A modern row of `clientName`, as the modern lane writes one. */
function modernRow(clientName: string, overrides: Partial<RequestRow> = {}): RequestRow {
	return {
		requestId: crypto.randomUUID(),
		sessionId: null,
		era: "modern",
		method: "tools/call",
		toolName: "health_check",
		timestamp: Date.now(),
		durationMs: 3,
		status: "success",
		errorMessage: null,
		userId: null,
		clientName,
		clientVersion: "1.0.0",
		protocolVersion: "2026-07-28",
		...overrides,
	};
}

function rowsOf(clientName: string): Promise<RequestRowRaw[]> {
	return requestRowsWhere("client_name = ?", clientName);
}

/** A `waitUntil` that keeps what it is handed, for the test to await. */
function collectWork() {
	const work: Promise<unknown>[] = [];
	return { work, waitUntil: (promise: Promise<unknown>) => work.push(promise) };
}

describe("migration 0002 (era-aware request log)", () => {
	it("rebuilds the table with session_id nullable and keeps every row, now legacy with its session's caller", async () => {
		const [init, , eras] = env.TEST_MIGRATIONS;
		const oldTable = (init?.queries ?? []).filter((query) => query.includes("archon_mcp_requests"));
		expect(oldTable.length).toBeGreaterThan(0);
		// Back to the table as 0000 made it, holding one request of a mirrored session.
		await env.DB.exec("DROP TABLE archon_mcp_requests");
		for (const query of oldTable) await env.DB.prepare(query).run();
		await env.DB.prepare(
			"INSERT INTO archon_mcp_sessions (session_id, client_type, client_name, client_version, protocol_version, connected_at, last_activity, status, user_id) VALUES ('s-old', 'Cursor', 'cursor-vscode', '1.2.3', '2025-06-18', 1, 2, 'active', 'u-1')",
		).run();
		await env.DB.prepare(
			"INSERT INTO archon_mcp_requests (request_id, session_id, method, tool_name, timestamp, duration_ms, status, error_message) VALUES ('r-old', 's-old', 'tools/call', 'health_check', 2, 5, 'success', NULL)",
		).run();

		await env.DB.batch((eras?.queries ?? []).map((query) => env.DB.prepare(query)));

		const row = await env.DB.prepare(
			"SELECT * FROM archon_mcp_requests WHERE request_id = 'r-old'",
		).first<RequestRowRaw>();
		expect(row).toEqual({
			request_id: "r-old",
			session_id: "s-old",
			era: "legacy",
			method: "tools/call",
			tool_name: "health_check",
			timestamp: 2,
			duration_ms: 5,
			status: "success",
			error_message: null,
			user_id: "u-1",
			client_name: "cursor-vscode",
			client_version: "1.2.3",
			protocol_version: "2025-06-18",
		});
		// A modern row has no session now.
		await env.DB.prepare(
			"INSERT INTO archon_mcp_requests (request_id, era, method, timestamp, duration_ms, status) VALUES ('r-new', 'modern', 'ping', 3, 1, 'success')",
		).run();
		// The later migrations' changes to the table come back, for the tests after this one.
		const later = env.TEST_MIGRATIONS.slice(3).flatMap((migration) => migration.queries);
		for (const query of later.filter((q) => q.includes("`archon_mcp_requests`"))) {
			await env.DB.prepare(query).run();
		}
	});
});

describe("request log queries", () => {
	it("a late legacy row takes its caller columns from the session's final D1 row", async () => {
		const { sessionId } = await initialize({ clientName: "windsurf" });
		await sessionStub(sessionId).end(sessionId, "admin_terminated");
		await syncMirror(sessionId);
		const record: RequestRecord = {
			requestId: crypto.randomUUID(),
			sessionId,
			method: "tools/call",
			toolName: "session_info",
			timestamp: Date.now(),
			durationMs: 4,
			status: "success",
			errorMessage: null,
			traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		};
		await insertLateLegacyRow(db(), record);
		await insertLateLegacyRow(db(), record); // a retry changes nothing

		const rows = (await rowsOf("windsurf")).filter((row) => row.request_id === record.requestId);
		expect(rows).toEqual([
			expect.objectContaining({
				era: "legacy",
				session_id: sessionId,
				client_name: "windsurf",
				client_version: "2.1.0",
				protocol_version: "2025-11-25",
				traceparent: record.traceparent,
			}),
		]);
	});

	it("metrics group requests by era and client, busiest first", async () => {
		const since = Date.now();
		const writer = new RequestRowWriter(env.DB, { sleep: async () => {} });
		const { work, waitUntil } = collectWork();
		for (let i = 0; i < 3; i++) writer.add(modernRow("metrics-a"), waitUntil);
		writer.add(
			modernRow("metrics-a", { status: "error", errorMessage: "x", durationMs: 7 }),
			waitUntil,
		);
		writer.add(modernRow("metrics-b"), waitUntil);
		await Promise.all(work);

		const metrics = (await requestMetrics(db(), since)).filter((m) =>
			m.clientName?.startsWith("metrics-"),
		);
		expect(metrics).toEqual([
			{ era: "modern", clientName: "metrics-a", requests: 4, errors: 1, meanDurationMs: 4 },
			{ era: "modern", clientName: "metrics-b", requests: 1, errors: 0, meanDurationMs: 3 },
		]);
	});
});

describe("the prepared insert of request rows", () => {
	it("writes every column of the Drizzle table, as Drizzle reads it back, in chunks under D1's parameter limit", async () => {
		const rows = Array.from({ length: 9 }, (_, i) =>
			modernRow("prepared", {
				userId: `u-${i}`,
				toolName: `tool-${i}`,
				errorMessage: "boom",
				status: "error",
				durationMs: 1.5 + i,
				traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			}),
		);
		const statements = insertRequestRows(env.DB, rows);
		expect(statements).toHaveLength(2);
		await env.DB.batch(statements);
		// Every column is set, so a column the SQL left out would read back null.
		for (const row of rows) {
			const [read] = await db()
				.select()
				.from(mcpRequests)
				.where(eq(mcpRequests.requestId, row.requestId));
			expect(read).toEqual(row);
		}
		// Written again (a retried batch): left alone.
		await env.DB.batch(insertRequestRows(env.DB, rows));
		expect(await rowsOf("prepared")).toHaveLength(9);
	});
});

describe("the modern lane's row writer", () => {
	it("writes the rows of one window in one batch, kept alive by the request that opened it", async () => {
		const batch = vi.fn((statements: D1PreparedStatement[]) => env.DB.batch(statements));
		const d1 = { prepare: (sql: string) => env.DB.prepare(sql), batch } as unknown as D1Database;
		const writer = new RequestRowWriter(d1);
		const { work, waitUntil } = collectWork();
		for (let i = 0; i < 5; i++) writer.add(modernRow("window"), waitUntil);
		expect(work).toHaveLength(1);
		await Promise.all(work);
		expect(await rowsOf("window")).toHaveLength(5);
		expect(batch).toHaveBeenCalledTimes(1);
	});

	it("retries a failed batch and loses no row when D1 comes back", async () => {
		let pauses = 0;
		const writer = new RequestRowWriter(env.DB, {
			sleep: async () => {
				pauses++;
				// The first pause is the batching window; D1 is back by the first retry.
				if (pauses === 2) await bringD1Online("archon_mcp_requests");
			},
		});
		const warn = vi.spyOn(console, "warn");
		const { work, waitUntil } = collectWork();
		await takeD1Offline("archon_mcp_requests");
		writer.add(modernRow("outage"), waitUntil);
		writer.add(modernRow("outage"), waitUntil);
		await Promise.all(work);

		expect(await rowsOf("outage")).toHaveLength(2);
		expect(warn.mock.calls.map(([line]) => JSON.parse(String(line)).event)).toContain(
			"tracking.write_retry",
		);
	});

	it("gives up after three retries and logs how many rows it lost", async () => {
		const writer = new RequestRowWriter(env.DB, { sleep: async () => {} });
		const error = vi.spyOn(console, "error");
		const { work, waitUntil } = collectWork();
		await takeD1Offline("archon_mcp_requests");
		try {
			writer.add(modernRow("lost"), waitUntil);
			await Promise.all(work);
		} finally {
			await bringD1Online("archon_mcp_requests");
		}
		const lost = error.mock.calls
			.map(([line]) => JSON.parse(String(line)))
			.find((line) => line.event === "tracking.rows_lost");
		expect(lost).toMatchObject({ rows: 1 });
		expect(await rowsOf("lost")).toHaveLength(0);
	});
});
