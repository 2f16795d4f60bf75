/**
 * Users and API tokens created straight in D1, as the admin command does, and
 * MCP requests made as one of them on the public host.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createApiToken, hashPassword } from "../../src/auth/credentials";
import { initializeRequest, post, rpc } from "./mcp";

/** The public origin auth tests use: auth is always required there. */
export const PUBLIC_ORIGIN = "https://mcp.example.com";
export const PUBLIC_MCP_URL = `${PUBLIC_ORIGIN}/mcp`;

let serial = 0;

/** A test user and one API token of theirs. */
export interface TestUser {
	readonly id: string;
	readonly email: string;
	readonly token: string;
	readonly tokenId: string;
	readonly password: string;
}

/** Creates a user with a password and an API token. */
export async function createUser(
	options: {
		role?: "admin" | "member";
		tokenTimeoutSeconds?: number;
		expiresAt?: number;
		/** PBKDF2 iterations of the password hash: 1000 unless told, to keep the suite fast. */
		passwordIterations?: number;
	} = {},
): Promise<TestUser> {
	serial += 1;
	const id = crypto.randomUUID();
	const email = `user${serial}-${id.slice(0, 8)}@example.com`;
	const password = `pw-${id}`;
	await env.DB.prepare(
		"INSERT INTO archon_users (id, email, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	)
		.bind(
			id,
			email,
			`User ${serial}`,
			options.role ?? "member",
			await hashPassword(password, options.passwordIterations ?? 1000),
			Date.now(),
		)
		.run();
	const { token, tokenId } = await createToken(id, options);
	return { id, email, token, tokenId, password };
}

/** Creates another API token for a user. */
export async function createToken(
	userId: string,
	options: { tokenTimeoutSeconds?: number; expiresAt?: number } = {},
): Promise<{ token: string; tokenId: string }> {
	const { token, hash, prefix } = await createApiToken();
	const tokenId = crypto.randomUUID();
	await env.DB.prepare(
		"INSERT INTO archon_api_tokens (id, user_id, name, token_hash, token_prefix, created_at, expires_at, session_timeout_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	)
		.bind(
			tokenId,
			userId,
			"test",
			hash,
			prefix,
			Date.now(),
			options.expiresAt ?? null,
			options.tokenTimeoutSeconds ?? null,
		)
		.run();
	return { token, tokenId };
}

/** The Authorization header for a token. */
export function bearer(token: string): Record<string, string> {
	return { authorization: `Bearer ${token}` };
}

/** Initializes a session on the public host with a token and returns its id. */
export async function initializeAs(
	token: string,
	headers: Record<string, string> = {},
): Promise<string> {
	const response = await post(initializeRequest("claude-code"), {
		url: PUBLIC_MCP_URL,
		version: null,
		headers: { ...bearer(token), ...headers },
	});
	expect(response.status).toBe(200);
	await response.text();
	return response.headers.get("mcp-session-id") as string;
}

/** A ping in a session on the public host, with a token. */
export function pingAs(token: string, sessionId: string): Promise<Response> {
	return post(rpc("ping"), { url: PUBLIC_MCP_URL, session: sessionId, headers: bearer(token) });
}
