/**
 * The metrics API (`/api/metrics/...`) against a history written by hand into
 * D1, in a window no other test writes to, so every figure below is computed
 * by hand from the fixture (docs/metrics.md defines each).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, createUser, PUBLIC_ORIGIN, type TestUser } from "./helpers/identity";
import { fetchWorker } from "./helpers/mcp";
import {
	type FixtureRequest,
	type FixtureSession,
	fixtureSessionId,
	MINUTE,
	writeHistory,
} from "./helpers/metrics-fixture";

/** The fixture's window: one hour from 2003-01-01T00:00Z, cut into 60 one-minute buckets. */
const START = Date.UTC(2003, 0, 1);
const RANGE = `from=${START}&to=${START + 60 * MINUTE}`;
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

let admin: TestUser;
let member: TestUser;
let other: TestUser;
const s1 = fixtureSessionId();
const s2 = fixtureSessionId();
const s3 = fixtureSessionId();
const s4 = fixtureSessionId();

async function getMetrics(path: string, user: TestUser | null, query = RANGE) {
	const response = await fetchWorker(`${PUBLIC_ORIGIN}/api/metrics/${path}?${query}`, {
		headers: user ? bearer(user.token) : {},
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
	admin = await createUser({ role: "admin" });
	member = await createUser();
	other = await createUser();
	const sessions: FixtureSession[] = [
		// Member's: s1 expires at minute 20; s2 opened before the window and is still live.
		{
			id: s1,
			userId: member.id,
			email: member.email,
			clientName: "claude-code",
			clientType: "Claude Code",
			connectedMin: 5,
			lastActivityMin: 10,
			ended: { min: 20, reason: "timeout" },
		},
		{
			id: s2,
			userId: member.id,
			email: member.email,
			clientName: "cursor-vscode",
			clientType: "Cursor",
			connectedMin: -10,
			lastActivityMin: 50,
		},
		// Other user's: s3 ended by its client at 31.5; s4 revived at 42, revoked at 46.
		{
			id: s3,
			userId: other.id,
			email: other.email,
			clientName: "claude-code",
			clientType: "Claude Code",
			connectedMin: 30,
			lastActivityMin: 31,
			ended: { min: 31.5, reason: "client_terminated" },
		},
		{
			id: s4,
			userId: other.id,
			email: other.email,
			clientName: "x-agent",
			clientType: "Other",
			connectedMin: 40,
			lastActivityMin: 45,
			ended: { min: 46, reason: "revoked" },
			revivedMin: 42,
		},
	];
	const requests: FixtureRequest[] = [];
	const mine = { userId: member.id, era: "legacy" as const };
	for (let k = 0; k < 10; k++) {
		// alpha: 10 calls of 10..100 ms, one a minute; calls 3 and 7 fail.
		requests.push({
			...mine,
			sessionId: k < 5 ? s2 : s1,
			clientName: k < 5 ? "cursor-vscode" : "claude-code",
			method: "tools/call",
			tool: "alpha",
			atMs: k * MINUTE + 1000,
			durationMs: (k + 1) * 10,
			...(k === 3 || k === 7 ? { error: "boom" } : {}),
			...(k === 6 ? { traceparent: TRACEPARENT } : {}),
		});
	}
	requests.push(
		{
			...mine,
			sessionId: s1,
			clientName: "claude-code",
			method: "initialize",
			atMs: 5 * MINUTE,
			durationMs: 3,
		},
		{
			...mine,
			sessionId: s1,
			clientName: "claude-code",
			method: "initialize",
			atMs: 8 * MINUTE,
			durationMs: 4,
		},
		{
			...mine,
			sessionId: s2,
			clientName: "cursor-vscode",
			method: "ping",
			atMs: 50 * MINUTE,
			durationMs: 1,
		},
		{
			userId: member.id,
			era: "modern",
			sessionId: null,
			clientName: "modern-x",
			clientVersion: "0.9",
			method: "tools/list",
			atMs: 12 * MINUTE,
			durationMs: 2,
		},
		{
			userId: member.id,
			era: "modern",
			sessionId: null,
			clientName: "modern-x",
			clientVersion: "0.9",
			method: "tools/list",
			atMs: 12 * MINUTE + 100,
			durationMs: 2,
			error: "unsupported",
		},
		{
			userId: other.id,
			era: "legacy",
			sessionId: s3,
			clientName: "claude-code",
			method: "initialize",
			atMs: 30 * MINUTE,
			durationMs: 3,
		},
	);
	for (const [i, durationMs] of [5, 300, 7].entries()) {
		// beta: 3 calls of 5, 300 and 7 ms; the 300 ms one fails.
		requests.push({
			userId: other.id,
			era: "legacy",
			sessionId: s3,
			clientName: "claude-code",
			method: "tools/call",
			tool: "beta",
			atMs: 30 * MINUTE + (i + 1) * 100,
			durationMs,
			...(durationMs === 300 ? { error: "too slow" } : {}),
		});
	}
	await writeHistory(START, sessions, requests);
});

describe("metrics API: overview", () => {
	it("counts requests, errors and the lifecycle in the window for an admin", async () => {
		const { status, body } = await getMetrics("overview", admin);
		expect(status).toBe(200);
		expect(body.range).toEqual({ from: START, to: START + 60 * MINUTE, bucketMs: MINUTE });
		expect(body.scope).toBe("all");
		// 10 alpha + 3 beta + 3 initialize + 1 ping + 2 modern; errors: 2 alpha, 1 beta, 1 modern.
		expect(body.requests).toEqual({ requests: 19, errors: 4, errorRate: 0.2105 });
		expect(body.lifecycle).toEqual({
			created: 3,
			resumed: 1,
			revived: 1,
			expired: 1,
			terminated: { client_terminated: 1, revoked: 1 },
		});
	});

	it("shows a member their own sessions and requests only", async () => {
		const { body } = await getMetrics("overview", member);
		expect(body.scope).toBe("own");
		expect(body.requests).toEqual({ requests: 15, errors: 3, errorRate: 0.2 });
		expect(body.lifecycle).toEqual({
			created: 1,
			resumed: 1,
			revived: 0,
			expired: 1,
			terminated: {},
		});
		// Live now: s2 only; the modern requests are years old, so no modern client is active.
		expect(body.active).toEqual({ legacySessions: 1, modernClients: 0 });
	});
});

describe("metrics API: time series", () => {
	it("gives every bucket its requests by era, errors, modern clients and live sessions", async () => {
		const { body } = await getMetrics("timeseries", admin);
		const buckets = body.buckets as Array<Record<string, number>>;
		expect(buckets).toHaveLength(60);
		expect(buckets[0]).toMatchObject({ start: START, requests: 1, legacyRequests: 1 });
		expect(buckets[5]).toMatchObject({ requests: 2, legacyRequests: 2, errors: 0 });
		expect(buckets[7]).toMatchObject({ requests: 1, errors: 1, errorRate: 1 });
		expect(buckets[12]).toMatchObject({
			requests: 2,
			modernRequests: 2,
			legacyRequests: 0,
			errors: 1,
			errorRate: 0.5,
			modernClients: 1,
		});
		expect(buckets[30]).toMatchObject({ requests: 4, errors: 1, errorRate: 0.25 });
		expect(buckets[59]).toMatchObject({ start: START + 59 * MINUTE, requests: 0, errorRate: 0 });
		const within = (minute: number, from: number, to: number) =>
			minute >= from && minute <= to ? 1 : 0;
		// s2 is live throughout; s1 in minutes 5-20, s3 in 30-31, s4 in 40-46.
		const expected = Array.from(
			{ length: 60 },
			(_, m) => 1 + within(m, 5, 20) + within(m, 30, 31) + within(m, 40, 46),
		);
		expect(buckets.map((bucket) => bucket.activeSessions)).toEqual(expected);
	});
});

describe("metrics API: tools", () => {
	it("gives calls, error rate and nearest-rank p50/p95/p99 in seconds, slowest and most failing", async () => {
		const { body } = await getMetrics("tools", admin);
		const alpha = {
			"gen_ai.tool.name": "alpha",
			requests: 10,
			errors: 2,
			errorRate: 0.2,
			"mcp.server.operation.duration": {
				unit: "s",
				p50: 0.05,
				p95: 0.1,
				p99: 0.1,
				mean: 0.055,
				max: 0.1,
			},
		};
		const beta = {
			"gen_ai.tool.name": "beta",
			requests: 3,
			errors: 1,
			errorRate: 0.3333,
			"mcp.server.operation.duration": {
				unit: "s",
				p50: 0.007,
				p95: 0.3,
				p99: 0.3,
				mean: 0.104,
				max: 0.3,
			},
		};
		expect(body.tools).toEqual([alpha, beta]);
		expect(body.slowest).toEqual([beta, alpha]);
		expect(body.mostFailing).toEqual([alpha, beta]);
		const own = await getMetrics("tools", member);
		expect(own.body.tools).toEqual([alpha]);
	});
});

describe("metrics API: clients", () => {
	it("groups traffic by era, client name and version, with the client type", async () => {
		const { body } = await getMetrics("clients", admin);
		expect(body.clients).toEqual([
			{
				era: "legacy",
				clientType: "Claude Code",
				clientName: "claude-code",
				clientVersion: "1.0.0",
				requests: 11,
				errors: 2,
				errorRate: 0.1818,
			},
			{
				era: "legacy",
				clientType: "Cursor",
				clientName: "cursor-vscode",
				clientVersion: "1.0.0",
				requests: 6,
				errors: 1,
				errorRate: 0.1667,
			},
			{
				era: "modern",
				clientType: "Other",
				clientName: "modern-x",
				clientVersion: "0.9",
				requests: 2,
				errors: 1,
				errorRate: 0.5,
			},
		]);
	});
});

describe("metrics API: sessions by user", () => {
	it("lists sessions and requests per user for admins, and refuses members", async () => {
		const { body } = await getMetrics("users", admin);
		const users = (body.users as Array<Record<string, unknown>>).filter((user) =>
			[member.id, other.id].includes(user.userId as string),
		);
		expect(users).toEqual(
			expect.arrayContaining([
				{
					userId: member.id,
					email: member.email,
					activeSessions: 1,
					sessions: 2,
					requests: 15,
					errors: 3,
				},
				{
					userId: other.id,
					email: other.email,
					activeSessions: 0,
					sessions: 2,
					requests: 4,
					errors: 1,
				},
			]),
		);
		expect(users).toHaveLength(2);
		expect((await getMetrics("users", member)).status).toBe(403);
	});
});

describe("metrics API: session explorer", () => {
	it("finds sessions by client and by user, newest activity first, within the member's own", async () => {
		const byClient = await getMetrics("sessions", admin, `${RANGE}&q=cursor`);
		expect(
			(byClient.body.sessions as Array<Record<string, unknown>>).map((s) => s["mcp.session.id"]),
		).toEqual([s2]);
		const byUser = await getMetrics(
			"sessions",
			admin,
			`${RANGE}&q=${encodeURIComponent(member.email)}`,
		);
		expect(
			(byUser.body.sessions as Array<Record<string, unknown>>).map((s) => s["mcp.session.id"]),
		).toEqual([s2, s1]);
		const byId = await getMetrics("sessions", other, `q=${s1}`);
		expect(byId.body.sessions).toEqual([]);
		const ownById = await getMetrics("sessions", member, `q=${s1}`);
		expect(
			(ownById.body.sessions as Array<Record<string, unknown>>).map((s) => s["mcp.session.id"]),
		).toEqual([s1]);
	});

	it("steps through one session: requests in order and its lifecycle events", async () => {
		const { status, body } = await getMetrics(`sessions/${s1}`, member, "");
		expect(status).toBe(200);
		expect(body.events).toEqual([
			{ event: "created", at: START + 5 * MINUTE, reason: null },
			{ event: "resumed", at: START + 8 * MINUTE, reason: null },
			{ event: "expired", at: START + 20 * MINUTE, reason: "timeout" },
		]);
		const requests = body.requests as Array<Record<string, unknown>>;
		expect(requests.map((r) => r["mcp.method.name"])).toEqual([
			"initialize",
			"tools/call",
			"tools/call",
			"tools/call",
			"initialize",
			"tools/call",
			"tools/call",
		]);
		expect(requests[2]).toMatchObject({
			"gen_ai.tool.name": "alpha",
			durationMs: 70,
			traceparent: TRACEPARENT,
		});
		expect(requests[3]).toMatchObject({ status: "error", errorMessage: "boom", durationMs: 80 });
		expect(body.truncated).toBe(false);

		const revived = await getMetrics(`sessions/${s4}`, admin, "");
		expect(revived.body.events).toEqual([
			{ event: "created", at: START + 40 * MINUTE, reason: null },
			{ event: "revived", at: START + 42 * MINUTE, reason: null },
			{ event: "terminated", at: START + 46 * MINUTE, reason: "revoked" },
		]);
		// Another user's session is not found to a member.
		expect((await getMetrics(`sessions/${s3}`, member, "")).status).toBe(404);
	});
});

describe("metrics API: access and ranges", () => {
	it("asks for credentials on a public host, and is open on loopback with auth off", async () => {
		const anonymous = await getMetrics("overview", null);
		expect(anonymous.status).toBe(401);
		const local = await fetchWorker(`http://localhost/api/metrics/overview?${RANGE}`);
		expect(local.status).toBe(200);
		expect(((await local.json()) as { scope: string }).scope).toBe("all");
	});

	it("refuses a bad or too wide range with 400", async () => {
		for (const query of [
			"from=yesterday",
			`from=${START}&to=${START}`,
			`from=${START}&to=${START + 32 * 24 * 60 * MINUTE}`,
		]) {
			expect((await getMetrics("overview", admin, query)).status).toBe(400);
		}
	});
});
