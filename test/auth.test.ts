import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../src/config";
import { openDatabase } from "../src/db/database";
import { McpHttpError } from "../src/errors";
import { enforceSessionLimit } from "../src/session/session-limits";
import { sessionRow } from "./helpers/d1";
import { bearer, createToken, createUser, PUBLIC_MCP_URL, PUBLIC_ORIGIN } from "./helpers/identity";
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

/** Initializes a session on the public host with a token and returns its id. */
async function initializeAs(token: string, headers: Record<string, string> = {}): Promise<string> {
	const response = await post(initializeRequest("claude-code"), {
		url: PUBLIC_MCP_URL,
		version: null,
		headers: { ...bearer(token), ...headers },
	});
	expect(response.status).toBe(200);
	await response.text();
	return response.headers.get("mcp-session-id") as string;
}

function pingAs(token: string, sessionId: string): Promise<Response> {
	return post(rpc("ping"), { url: PUBLIC_MCP_URL, session: sessionId, headers: bearer(token) });
}

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
		it(`a token asking for ${asked} s gets an alarm ${applied} s out`, async () => {
			const user = await createUser({ tokenTimeoutSeconds: asked });
			const sessionId = await initializeAs(user.token);
			const alarm = await runInDurableObject(sessionStub(sessionId), (_i, state) =>
				state.storage.getAlarm(),
			);
			const seconds = ((alarm as number) - Date.now()) / 1000;
			expect(seconds).toBeGreaterThan(applied - 5);
			expect(seconds).toBeLessThanOrEqual(applied);
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
	it("evicts the least recently active session when a fourth one opens", async () => {
		const user = await createUser();
		const first = await initializeAs(user.token);
		const second = await initializeAs(user.token);
		const third = await initializeAs(user.token);
		await pingAs(user.token, first);
		// The limit reads last activity from the D1 mirror; make the ping's write land first.
		await syncMirror(first);
		const fourth = await initializeAs(user.token);

		await expectErrorResponse(await pingAs(user.token, second), 404, -32001);
		for (const live of [first, third, fourth])
			expect((await pingAs(user.token, live)).status).toBe(200);
		expect(await sessionRow(second)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "evicted",
		});
	});

	it("refuses with 403 and -32002 under the refuse policy", async () => {
		const user = await createUser();
		for (let i = 0; i < 3; i++) await initializeAs(user.token);
		const config = { ...readConfig(env), sessionLimitPolicy: "refuse" as const };
		const refused = await enforceSessionLimit(
			env.MCP_SESSION,
			openDatabase(env.DB),
			config,
			user.id,
		).then(
			() => null,
			(error: unknown) => error,
		);
		expect(refused).toBeInstanceOf(McpHttpError);
		expect((refused as McpHttpError).status).toBe(403);
		expect((refused as McpHttpError).code).toBe(-32002);
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
		expect(await response.json()).toEqual({ endedSessions: 2 });

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
		expect(await response.json()).toEqual({ endedSessions: 1 });
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
	});
});

describe("OAuth 2.1 authorization code flow with PKCE", () => {
	const redirectUri = "http://127.0.0.1:9999/callback";

	async function pkce(): Promise<{ verifier: string; challenge: string }> {
		const verifier = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
			.replaceAll("+", "-")
			.replaceAll("/", "_")
			.replace(/=+$/, "");
		const digest = new Uint8Array(
			await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
		);
		const challenge = btoa(String.fromCharCode(...digest))
			.replaceAll("+", "-")
			.replaceAll("/", "_")
			.replace(/=+$/, "");
		return { verifier, challenge };
	}

	async function register(): Promise<string> {
		const response = await fetchWorker(`${PUBLIC_ORIGIN}/oauth/register`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				client_name: "Test Agent",
				redirect_uris: [redirectUri],
				token_endpoint_auth_method: "none",
				grant_types: ["authorization_code", "refresh_token"],
			}),
		});
		expect(response.status).toBe(201);
		return ((await response.json()) as { client_id: string }).client_id;
	}

	async function authorize(clientId: string, challenge: string, form: Record<string, string>) {
		const query = new URLSearchParams({
			response_type: "code",
			client_id: clientId,
			redirect_uri: redirectUri,
			code_challenge: challenge,
			code_challenge_method: "S256",
			state: "state-1",
			scope: "mcp",
			resource: PUBLIC_MCP_URL,
		});
		const url = `${PUBLIC_ORIGIN}/authorize?${query}`;
		const page = await fetchWorker(url);
		expect(page.status).toBe(200);
		expect(page.headers.get("x-frame-options")).toBe("DENY");
		const html = await page.text();
		expect(html).toContain("Test Agent");
		expect(html).toContain("127.0.0.1");
		const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1] ?? "";
		const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
		return fetchWorker(url, {
			method: "POST",
			redirect: "manual",
			headers: {
				"content-type": "application/x-www-form-urlencoded",
				cookie,
				origin: PUBLIC_ORIGIN,
			},
			body: new URLSearchParams({ handle, decision: "approve", ...form }),
		});
	}

	async function exchange(
		clientId: string,
		code: string,
		verifier: string,
		resource = PUBLIC_MCP_URL,
	) {
		return fetchWorker(`${PUBLIC_ORIGIN}/oauth/token`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "authorization_code",
				code,
				redirect_uri: redirectUri,
				client_id: clientId,
				code_verifier: verifier,
				resource,
			}),
		});
	}

	it("registers, authorizes with a password, exchanges the code and calls /mcp as the user", async () => {
		const user = await createUser();
		const clientId = await register();
		const { verifier, challenge } = await pkce();
		const approved = await authorize(clientId, challenge, {
			email: user.email,
			password: user.password,
		});
		expect(approved.status).toBe(302);
		const location = new URL(approved.headers.get("location") ?? "");
		expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
		expect(location.searchParams.get("state")).toBe("state-1");
		const code = location.searchParams.get("code") ?? "";

		const tokens = await exchange(clientId, code, verifier);
		expect(tokens.status).toBe(200);
		const { access_token: accessToken } = (await tokens.json()) as { access_token: string };

		const sessionId = await initializeAs(accessToken);
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({ user_id: user.id, user_email: user.email });
		// The same user's API token may use the session; the grant is bound to the user, not the client.
		expect((await pingAs(user.token, sessionId)).status).toBe(200);

		// The code works once, and a token for this host is refused by another host of the same Worker.
		expect((await exchange(clientId, code, verifier)).status).toBe(400);
		const elsewhere = await post(initializeRequest(), {
			url: "https://other.example.com/mcp",
			headers: bearer(accessToken),
		});
		expect(elsewhere.status).toBe(401);
	});

	it("signs in with an API token too, and refuses wrong credentials without using up the form", async () => {
		const user = await createUser();
		const clientId = await register();
		const { challenge } = await pkce();
		const wrong = await authorize(clientId, challenge, { email: user.email, password: "wrong" });
		expect(wrong.status).toBe(401);
		const viaToken = await authorize(clientId, challenge, { token: user.token });
		expect(viaToken.status).toBe(302);
		expect(new URL(viaToken.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
	});

	it("refuses a code exchange whose verifier does not match (PKCE) or whose resource is another server", async () => {
		const user = await createUser();
		const clientId = await register();
		const { verifier, challenge } = await pkce();
		const approved = await authorize(clientId, challenge, { token: user.token });
		const code = new URL(approved.headers.get("location") ?? "").searchParams.get("code") ?? "";
		expect((await exchange(clientId, code, `${verifier}x`)).status).toBe(400);

		const again = await authorize(clientId, challenge, { token: user.token });
		const secondCode = new URL(again.headers.get("location") ?? "").searchParams.get("code") ?? "";
		const otherAudience = await exchange(
			clientId,
			secondCode,
			verifier,
			"https://other.example/mcp",
		);
		expect(otherAudience.status).toBe(400);
	});
});
