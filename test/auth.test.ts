import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { explainAuthFailure } from "../src/auth/caller";
import type { SessionRecord } from "../src/session/session-record";
import { StorageKey } from "../src/session/session-store";
import { sessionRow } from "./helpers/d1";
import {
	bearer,
	createToken,
	createUser,
	initializeAs,
	PUBLIC_MCP_URL,
	PUBLIC_ORIGIN,
	pingAs,
} from "./helpers/identity";
import {
	expectErrorResponse,
	fetchWorker,
	initializeRequest,
	post,
	readResult,
	rpc,
	sessionStub,
	syncMirror,
} from "./helpers/mcp";

function adminApi(token: string, path: string, init: RequestInit = {}): Promise<Response> {
	return fetchWorker(`${PUBLIC_ORIGIN}/api${path}`, {
		...init,
		headers: { ...bearer(token), ...(init.headers as Record<string, string> | undefined) },
	});
}

const CHALLENGE = `resource_metadata="${PUBLIC_ORIGIN}/.well-known/oauth-protected-resource/mcp"`;

afterEach(() => {
	vi.restoreAllMocks();
});

describe("authentication on /mcp", () => {
	it("401 with a resource-metadata challenge without credentials, before any object wakes", async () => {
		const response = await post(initializeRequest(), { url: PUBLIC_MCP_URL });
		expect(response.status).toBe(401);
		const challenge = response.headers.get("www-authenticate") ?? "";
		expect(challenge).toMatch(/^Bearer /);
		expect(challenge).toContain(CHALLENGE);
	});

	it("the 401 carries a JSON-RPC error saying how to authenticate: API token or OAuth", async () => {
		const response = await post(initializeRequest(), { url: PUBLIC_MCP_URL });
		const body = await expectErrorResponse(response, 401, -32000);
		expect(body.error?.message).toBe(
			`Unauthorized: authentication required; send an Archon API token as "Authorization: Bearer archon_...", or sign in with OAuth (the authorization server is named in the resource metadata at ${PUBLIC_ORIGIN}/.well-known/oauth-protected-resource/mcp)`,
		);
		expect(response.headers.get("www-authenticate")).toContain(CHALLENGE);
		expect(response.headers.get("cache-control")).toBe("no-store");

		const badToken = await post(initializeRequest(), {
			url: PUBLIC_MCP_URL,
			headers: bearer(`archon_${"x".repeat(43)}`),
		});
		const bad = await expectErrorResponse(badToken, 401, -32000);
		expect(bad.error?.message).toMatch(
			/^Unauthorized: the bearer token is invalid, expired or revoked; send an Archon API token/,
		);
		expect(badToken.headers.get("www-authenticate")).toContain('error="invalid_token"');
	});

	it("a 403 of the provider (a token without the mcp scope) gets the same kind of body, challenge kept", async () => {
		const challenge = `Bearer realm="OAuth", error="insufficient_scope", scope="mcp", ${CHALLENGE}`;
		const provider = new Response(null, {
			status: 403,
			headers: { "WWW-Authenticate": challenge },
		});
		const response = explainAuthFailure(provider, PUBLIC_MCP_URL);
		const body = await expectErrorResponse(response, 403, -32000);
		expect(body.error?.message).toMatch(
			/^Forbidden: the access token does not grant use of this MCP server; send an Archon API token/,
		);
		expect(response.headers.get("www-authenticate")).toBe(challenge);
		const ok = new Response("{}", { status: 200 });
		expect(explainAuthFailure(ok, PUBLIC_MCP_URL)).toBe(ok);
	});

	it("publishes RFC 9728 and RFC 8414 metadata", async () => {
		const resource = await fetchWorker(`${PUBLIC_ORIGIN}/.well-known/oauth-protected-resource/mcp`);
		expect(await resource.json()).toMatchObject({
			resource: PUBLIC_MCP_URL,
			authorization_servers: [PUBLIC_ORIGIN],
		});
		const server = await fetchWorker(`${PUBLIC_ORIGIN}/.well-known/oauth-authorization-server`);
		expect(await server.json()).toMatchObject({
			issuer: PUBLIC_ORIGIN,
			authorization_endpoint: `${PUBLIC_ORIGIN}/authorize`,
			token_endpoint: `${PUBLIC_ORIGIN}/oauth/token`,
			registration_endpoint: `${PUBLIC_ORIGIN}/oauth/register`,
			code_challenge_methods_supported: ["S256"],
		});
	});

	it("serves a valid API token and binds the session to its user", async () => {
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		expect((await pingAs(user.token, sessionId)).status).toBe(200);
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({
			user_id: user.id,
			user_email: user.email,
			status: "active",
		});
		const lastUsed = await env.DB.prepare("SELECT last_used_at FROM archon_api_tokens WHERE id = ?")
			.bind(user.tokenId)
			.first<number>("last_used_at");
		expect(lastUsed).not.toBeNull();
	});

	it("401 invalid_token for unknown, revoked and expired tokens and for disabled users", async () => {
		const unknown = await post(initializeRequest(), {
			url: PUBLIC_MCP_URL,
			headers: bearer(`archon_${"x".repeat(43)}`),
		});
		expect(unknown.status).toBe(401);
		expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');

		const expired = await createUser({ expiresAt: Date.now() - 1000 });
		const revoked = await createUser();
		await env.DB.prepare("UPDATE archon_api_tokens SET revoked_at = ? WHERE id = ?")
			.bind(Date.now(), revoked.tokenId)
			.run();
		const disabled = await createUser();
		await env.DB.prepare("UPDATE archon_users SET disabled_at = ? WHERE id = ?")
			.bind(Date.now(), disabled.id)
			.run();
		for (const user of [expired, revoked, disabled]) {
			const response = await post(initializeRequest(), {
				url: PUBLIC_MCP_URL,
				headers: bearer(user.token),
			});
			expect(response.status).toBe(401);
		}
	});
});

describe("sessions bound to users", () => {
	it("another user's session id is a 404, exactly like an unknown one, and is logged", async () => {
		const owner = await createUser();
		const intruder = await createUser();
		const sessionId = await initializeAs(owner.token);
		const warn = vi.spyOn(console, "warn");

		const hijack = await pingAs(intruder.token, sessionId);
		await expectErrorResponse(hijack, 404, -32001);
		const unknown = await pingAs(intruder.token, "Z".repeat(32));
		await expectErrorResponse(unknown, 404, -32001);
		expect(
			warn.mock.calls.some(([line]) => String(line).includes("session.hijack_suspected")),
		).toBe(true);

		// DELETE by the intruder does not end it either.
		const deleted = await fetchWorker(PUBLIC_MCP_URL, {
			method: "DELETE",
			headers: { "mcp-session-id": sessionId, ...bearer(intruder.token) },
		});
		await expectErrorResponse(deleted, 404, -32001);
		expect((await pingAs(owner.token, sessionId)).status).toBe(200);
	});

	it("only the session's own user can resume it with X-Archon-Session-Id", async () => {
		const owner = await createUser();
		const intruder = await createUser();
		const sessionId = await initializeAs(owner.token);

		const stolen = await initializeAs(intruder.token, { "x-archon-session-id": sessionId });
		expect(stolen).not.toBe(sessionId);
		const second = await createToken(owner.id);
		expect(await initializeAs(second.token, { "x-archon-session-id": sessionId })).toBe(sessionId);
	});

	it("an anonymous loopback session cannot be used with credentials from the public host", async () => {
		const user = await createUser();
		const local = await post(initializeRequest(), { version: null });
		const sessionId = local.headers.get("mcp-session-id") as string;
		await expectErrorResponse(await pingAs(user.token, sessionId), 404, -32001);
	});
});

describe("per-client session timeout", () => {
	for (const [asked, applied] of [
		[120, 120],
		[5, 60],
		[1_000_000, 86_400],
	] as const) {
		it(`a token asking for ${asked} s gets an idle deadline ${applied} s out once used`, async () => {
			const user = await createUser({ tokenTimeoutSeconds: asked });
			const sessionId = await initializeAs(user.token);
			// Until its first request a session has the unused timeout (unused-sessions.test.ts).
			expect((await pingAs(user.token, sessionId)).status).toBe(200);
			const [deadline, alarm] = await runInDurableObject(
				sessionStub(sessionId),
				async (_i, state) => [
					state.storage.kv.get<SessionRecord>(StorageKey.Session)?.expiresAt,
					await state.storage.getAlarm(),
				],
			);
			const seconds = ((deadline as number) - Date.now()) / 1000;
			expect(seconds).toBeGreaterThan(applied - 5);
			expect(seconds).toBeLessThanOrEqual(applied);
			// The alarm comes by the deadline (it re-arms there if it fires first).
			expect(alarm).not.toBeNull();
			expect(alarm as number).toBeLessThanOrEqual(deadline as number);
			const info = await readResult(
				await post(rpc("tools/call", { name: "session_info", arguments: {} }), {
					url: PUBLIC_MCP_URL,
					session: sessionId,
					headers: bearer(user.token),
				}),
			);
			expect(info.result?.structuredContent).toMatchObject({
				timeoutSeconds: applied,
				user: user.email,
			});
		});
	}
});

describe("per-user session limit (MAX_SESSIONS_PER_USER=3 in tests)", () => {
	it("evicts the least recently active session when a fourth one is used", async () => {
		const user = await createUser();
		const [first, second, third, fourth] = await Promise.all(
			Array.from({ length: 4 }, () => initializeAs(user.token)),
		);
		for (const used of [first, second, third, first]) {
			expect((await pingAs(user.token, used as string)).status).toBe(200);
		}
		expect((await pingAs(user.token, fourth as string)).status).toBe(200);

		await expectErrorResponse(await pingAs(user.token, second as string), 404, -32001);
		for (const live of [first, third, fourth])
			expect((await pingAs(user.token, live as string)).status).toBe(200);
		expect(await sessionRow(second as string)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "evicted",
		});
	});
});

describe("revocation ends live sessions", () => {
	it("revoking a token ends the user's live sessions at once (disconnected, revoked)", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		const spare = await createToken(user.id);
		const a = await initializeAs(user.token);
		const b = await initializeAs(spare.token);

		const response = await adminApi(admin.token, `/tokens/${user.tokenId}/revoke`, {
			method: "POST",
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ endedSessions: 2, revokedGrants: 0 });

		for (const sessionId of [a, b]) {
			expect(await sessionRow(sessionId)).toMatchObject({
				status: "disconnected",
				disconnect_reason: "revoked",
			});
		}
		// The revoked token is refused; the spare token finds the sessions gone.
		expect((await pingAs(user.token, a)).status).toBe(401);
		await expectErrorResponse(await pingAs(spare.token, b), 404, -32001);
	});

	it("disabling a user ends their sessions and stops every credential", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		const response = await adminApi(admin.token, `/users/${user.id}/disable`, { method: "POST" });
		expect(await response.json()).toEqual({ endedSessions: 1, revokedGrants: 0 });
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "revoked",
		});
		expect(
			(await post(initializeRequest(), { url: PUBLIC_MCP_URL, headers: bearer(user.token) }))
				.status,
		).toBe(401);
	});
});

describe("admin API", () => {
	it("401 without a token, 403 for members on admin actions", async () => {
		expect((await fetchWorker(`${PUBLIC_ORIGIN}/api/sessions`)).status).toBe(401);
		const member = await createUser();
		const other = await createUser();
		expect(
			(await adminApi(member.token, `/users/${other.id}/disable`, { method: "POST" })).status,
		).toBe(403);
		expect((await adminApi(member.token, `/sessions?user=${other.id}`)).status).toBe(403);
	});

	it("members read and end only their own sessions; others' are 404", async () => {
		const member = await createUser();
		const other = await createUser();
		const mine = await initializeAs(member.token);
		const theirs = await initializeAs(other.token);

		const list = (await (await adminApi(member.token, "/sessions")).json()) as {
			sessions: Array<{ sessionId: string; userId: string }>;
		};
		expect(list.sessions.map((s) => s.sessionId)).toEqual([mine]);
		expect((await adminApi(member.token, `/sessions/${theirs}`)).status).toBe(404);
		expect((await adminApi(member.token, `/sessions/${theirs}`, { method: "DELETE" })).status).toBe(
			404,
		);
		expect((await adminApi(member.token, `/users/${other.id}/sessions`)).status).toBe(404);

		await syncMirror(mine);
		const detail = (await (await adminApi(member.token, `/sessions/${mine}`)).json()) as {
			session: { sessionId: string };
			requests: Array<{ method: string }>;
		};
		expect(detail.session.sessionId).toBe(mine);
		expect(detail.requests.map((r) => r.method)).toContain("initialize");

		expect((await adminApi(member.token, `/sessions/${mine}`, { method: "DELETE" })).status).toBe(
			204,
		);
		expect(await sessionRow(mine)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "admin_terminated",
		});
	});

	it("admins see every session, filter them and validate the filters", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		const response = await adminApi(
			admin.token,
			`/sessions?user=${user.id}&status=active&client_type=Claude%20Code`,
		);
		const body = (await response.json()) as { sessions: Array<{ sessionId: string }> };
		expect(body.sessions.map((s) => s.sessionId)).toEqual([sessionId]);
		expect((await adminApi(admin.token, `/users/${user.id}/sessions`)).status).toBe(200);
		expect((await adminApi(admin.token, "/sessions?status=bogus")).status).toBe(400);
		expect((await adminApi(admin.token, "/sessions?limit=0")).status).toBe(400);
		// 1e21 is an integer to JavaScript but not to SQLite's OFFSET: once a 500.
		for (const offset of ["1e21", "9007199254740992", "-1", "1.5", "x"]) {
			const page = await adminApi(admin.token, `/sessions?offset=${offset}`);
			await expectErrorResponse(page, 400, -32602);
		}
		expect((await adminApi(admin.token, "/sessions?offset=9007199254740991")).status).toBe(200);
	});
});
