/**
 * Bearer tokens against the real Worker on its public host, where auth is
 * required, in both eras: `getToken` before the first request, one refresh
 * for any number of concurrent 401s, `UNAUTHORIZED` with the
 * resource-metadata URL when a 401 persists, and the SDK's `authProvider`
 * passed through.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { MCPClient } from "../../src/client/index";
import { createToken, createUser, PUBLIC_MCP_URL, PUBLIC_ORIGIN } from "../helpers/identity";
import { ERAS, forgetEras, RecordingFetch, structured, testClient } from "./harness";

/** What the Worker's 401 challenge points at (RFC 9728). */
const RESOURCE_METADATA_URL = `${PUBLIC_ORIGIN}/.well-known/oauth-protected-resource/mcp`;

/** Makes a token expire now, as a rotation at the authorization server would. */
async function expire(tokenId: string): Promise<void> {
	await env.DB.prepare("UPDATE archon_api_tokens SET expires_at = ? WHERE id = ?")
		.bind(Date.now() - 1_000, tokenId)
		.run();
}

/** A `getToken` that returns `current.token` and counts its calls. */
function tokenSource(token: string) {
	const source = {
		token,
		calls: 0,
		getToken: async () => {
			source.calls++;
			return source.token;
		},
	};
	return source;
}

/** A client on the public host whose `getToken` returns `source.token`, and what it sent. */
function clientWithToken(protocol: (typeof ERAS)[number], token: string) {
	const source = tokenSource(token);
	const recorder = new RecordingFetch();
	const client = testClient(recorder, { url: PUBLIC_MCP_URL, protocol, getToken: source.getToken });
	return { source, recorder, client };
}

/** Bearer tokens the recorder saw, in order. */
function bearers(recorder: RecordingFetch): (string | null)[] {
	return recorder.exchanges.map((e) => e.headers.get("authorization"));
}

beforeEach(forgetEras);

describe.each(ERAS)("getToken, protocol %s", (protocol) => {
	it("is called once before the first request; every request carries its token", async () => {
		const user = await createUser();
		const { source, recorder, client } = clientWithToken(protocol, user.token);

		const result = await client.callTool("session_info");

		expect(structured(result).user).toBe(user.email);
		expect(source.calls).toBe(1);
		expect(new Set(bearers(recorder))).toEqual(new Set([`Bearer ${user.token}`]));
		await client.close();
	});

	it("a rotated token: 10 concurrent calls get 401, getToken is called exactly once more, all succeed", async () => {
		const user = await createUser();
		const { source, recorder, client } = clientWithToken(protocol, user.token);
		await client.connect();
		expect(source.calls).toBe(1);

		const rotated = await createToken(user.id);
		await expire(user.tokenId);
		source.token = rotated.token;
		const results = await Promise.all(
			Array.from({ length: 10 }, () => client.callTool("session_info")),
		);

		expect(results.every((result) => structured(result).user === user.email)).toBe(true);
		expect(source.calls).toBe(2);
		const calls = recorder.of("tools/call");
		expect(calls.filter((call) => call.outcome === 401)).toHaveLength(10);
		expect(calls.filter((call) => call.outcome === 200)).toHaveLength(10);
		await client.close();
	});

	it("a 401 that persists is UNAUTHORIZED with the resource-metadata URL, after one refresh", async () => {
		const user = await createUser();
		await expire(user.tokenId);
		const { source, recorder, client } = clientWithToken(protocol, user.token);

		await expect(client.callTool("session_info")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "UNAUTHORIZED",
			status: 401,
			resourceMetadataUrl: RESOURCE_METADATA_URL,
		});
		expect(source.calls).toBe(2);
		// The first request (the probe or initialize) and its one retry; nothing after the refusal.
		const first = protocol === "legacy" ? "initialize" : "server/discover";
		expect(recorder.exchanges.map((e) => [e.rpcMethod, e.outcome])).toEqual([
			[first, 401],
			[first, 401],
		]);
		await client.close();
	});

	it("a failing getToken is UNAUTHORIZED, sends nothing, and is asked again by the next call", async () => {
		const user = await createUser();
		let calls = 0;
		const recorder = new RecordingFetch();
		const client = testClient(recorder, {
			url: PUBLIC_MCP_URL,
			protocol,
			getToken: async () => {
				calls++;
				if (calls === 1) throw new Error("token service down");
				return user.token;
			},
		});

		await expect(client.ping()).rejects.toMatchObject({
			code: "UNAUTHORIZED",
			message: expect.stringContaining("token service down"),
		});
		expect(recorder.exchanges).toHaveLength(0);
		await client.ping();
		expect(calls).toBe(2);
		await client.close();
	});
});

describe("without a token source", () => {
	it.each([
		["auto", "server/discover"],
		["legacy", "initialize"],
	] as const)(
		"protocol %s: a 401 to %s is UNAUTHORIZED with the resource-metadata URL, not retried",
		async (protocol, first) => {
			const recorder = new RecordingFetch();
			const client = testClient(recorder, { url: PUBLIC_MCP_URL, protocol });

			await expect(client.ping()).rejects.toMatchObject({
				code: "UNAUTHORIZED",
				status: 401,
				resourceMetadataUrl: RESOURCE_METADATA_URL,
			});
			expect(recorder.exchanges.map((e) => [e.rpcMethod, e.outcome])).toEqual([[first, 401]]);
			await client.close();
		},
	);
});

describe("authProvider", () => {
	it.each(ERAS)(
		"protocol %s: is handed to the SDK, whose onUnauthorized refresh and retry see our 401s",
		async (protocol) => {
			const user = await createUser();
			await expire(user.tokenId);
			const fresh = await createToken(user.id);
			let token = user.token;
			let refreshes = 0;
			const recorder = new RecordingFetch();
			const client = testClient(recorder, {
				url: PUBLIC_MCP_URL,
				protocol,
				authProvider: {
					token: async () => token,
					onUnauthorized: async ({ response }) => {
						expect(response.status).toBe(401);
						refreshes++;
						token = fresh.token;
					},
				},
			});

			await client.callTool("session_info");

			expect(refreshes).toBe(1);
			const first = recorder.of(protocol === "legacy" ? "initialize" : "server/discover");
			expect(first.map((e) => e.outcome)).toEqual([401, 200]);
			await client.close();
		},
	);

	it("finishAuth without an authProvider is UNAUTHORIZED and says what it needs", async () => {
		const client = testClient(new RecordingFetch());
		await expect(client.finishAuth(new URLSearchParams("code=x"))).rejects.toMatchObject({
			code: "UNAUTHORIZED",
			message: expect.stringContaining("authProvider"),
		});
	});

	it("cannot be combined with getToken", () => {
		expect(
			() =>
				new MCPClient({
					url: PUBLIC_MCP_URL,
					getToken: () => "t",
					authProvider: { token: async () => "t" },
				}),
		).toThrow(/getToken or authProvider/);
	});
});
