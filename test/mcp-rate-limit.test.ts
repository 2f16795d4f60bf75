import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { modernRows } from "./helpers/d1";
import { bearer, createUser, PUBLIC_MCP_URL, PUBLIC_ORIGIN } from "./helpers/identity";
import {
	expectErrorResponse,
	initializeRequest,
	MCP_URL,
	POST_HEADERS,
	PROTOCOL_VERSION,
	rpc,
} from "./helpers/mcp";
import { envelope, fetchAndSettle, postModern } from "./helpers/modern";
import { obtainTokens, registerClient } from "./helpers/oauth";

/** A limit small enough to reach in a test: 3 requests per minute, one every 20 s after that. */
const VARS = { MCP_RATE_LIMIT_PER_MINUTE: "3" };

/** A legacy POST with `vars` in force. */
function postLegacy(
	body: unknown,
	options: { token?: string; session?: string; url?: string } = {},
): Promise<Response> {
	const headers: Record<string, string> = {
		...POST_HEADERS,
		"mcp-protocol-version": PROTOCOL_VERSION,
		...(options.token ? bearer(options.token) : {}),
		...(options.session ? { "mcp-session-id": options.session } : {}),
	};
	return fetchAndSettle(
		new Request(options.url ?? PUBLIC_MCP_URL, {
			method: "POST",
			headers,
			body: JSON.stringify(body),
		}),
		VARS,
	);
}

async function expectRateLimited(response: Response): Promise<void> {
	expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
	expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
	expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(20);
	const body = await expectErrorResponse(response, 429, -32002);
	expect(body.error?.message).toContain("3 per minute");
}

describe("MCP_RATE_LIMIT_PER_MINUTE", () => {
	it("answers a user's legacy request past the limit with 429, Retry-After and -32002", async () => {
		const user = await createUser();
		const opened = await postLegacy(initializeRequest(), { token: user.token });
		expect(opened.status).toBe(200);
		const session = opened.headers.get("mcp-session-id") ?? "";
		expect((await postLegacy(rpc("ping"), { token: user.token, session })).status).toBe(200);
		expect((await postLegacy(rpc("ping"), { token: user.token, session })).status).toBe(200);
		await expectRateLimited(await postLegacy(rpc("ping"), { token: user.token, session }));
	});

	it("counts both eras of one user together, and refuses a modern request before its lane (no row)", async () => {
		const user = await createUser();
		const client = `rate-${crypto.randomUUID()}`;
		const modern = () =>
			postModern(
				"tools/list",
				{},
				{ url: PUBLIC_MCP_URL, headers: bearer(user.token), meta: envelope(client), vars: VARS },
			);
		expect((await postLegacy(initializeRequest(), { token: user.token })).status).toBe(200);
		expect((await modern()).status).toBe(200);
		expect((await modern()).status).toBe(200);
		await expectRateLimited(await modern());
		expect(await modernRows(client)).toHaveLength(2);
	});

	it("answers a disabled user's OAuth requests 401, not 429, though the limit is taken while D1 is asked", async () => {
		const user = await createUser();
		const { access_token } = await obtainTokens(await registerClient(), { token: user.token });
		expect((await postLegacy(initializeRequest(), { token: access_token })).status).toBe(200);
		await env.DB.prepare("UPDATE archon_users SET disabled_at = ? WHERE id = ?")
			.bind(Date.now(), user.id)
			.run();
		for (let i = 0; i < 4; i++) {
			const response = await postLegacy(initializeRequest(), { token: access_token });
			expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
			await expectErrorResponse(response, 401, -32000);
		}
	});

	it("limits each user on their own", async () => {
		const [busy, other] = [await createUser(), await createUser()];
		for (let i = 0; i < 3; i++) {
			expect((await postLegacy(initializeRequest(), { token: busy.token })).status).toBe(200);
		}
		await expectRateLimited(await postLegacy(initializeRequest(), { token: busy.token }));
		expect((await postLegacy(initializeRequest(), { token: other.token })).status).toBe(200);
	});

	it("exempts loopback development with AUTH_MODE=off, and /health", async () => {
		for (let i = 0; i < 5; i++) {
			expect((await postLegacy(initializeRequest(), { url: MCP_URL })).status).toBe(200);
			const health = await fetchAndSettle(new Request(`${PUBLIC_ORIGIN}/health`), VARS);
			expect(health.status).toBe(200);
		}
	});
});
