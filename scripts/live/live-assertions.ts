/**
 * Assertions shared by the live checks, so each check reads as its scenario.
 */
import { randomBytes } from "node:crypto";
import { type D1Row, pollD1, sqlString } from "../lib/d1.ts";
import type { DevServer } from "../lib/dev-server.ts";
import type { McpReply } from "../lib/mcp-http.ts";
import { expect } from "./check-runner.ts";
import { MIRROR_TIMEOUT_MS } from "./live-context.ts";

/** JSON-RPC code of an unknown, expired or deleted session (src/errors.ts). */
export const SESSION_NOT_FOUND_CODE = -32001;

/** Expects a 200 whose last message is a successful tool result; returns that result. */
export function expectToolSuccess(reply: McpReply, what: string): Record<string, unknown> {
	const message = reply.messages.at(-1);
	expect(reply.status === 200, `${what}: HTTP ${reply.status} ${JSON.stringify(message)}`);
	expect(message?.result, `${what}: no result in ${JSON.stringify(message)}`);
	expect(message.result.isError !== true, `${what}: tool error ${JSON.stringify(message.result)}`);
	return message.result;
}

/** Expects the 404 with JSON-RPC -32001 that tells a client to initialize again. */
export function expectSessionNotFound(reply: McpReply, what: string): void {
	const code = reply.messages[0]?.error?.code;
	expect(
		reply.status === 404 && code === SESSION_NOT_FOUND_CODE,
		`${what}: expected 404 / ${SESSION_NOT_FOUND_CODE}, got ${reply.status} / ${code}`,
	);
}

/** A well-formed session id (32 base64url characters) that no session has. */
export function unknownSessionId(): string {
	return randomBytes(24).toString("base64url");
}

/**
 * Waits for the session's D1 row in `server`'s state to satisfy `accept` (the
 * mirror writes in the background) and returns it; fails with the last row seen.
 */
export async function expectSessionRow(
	server: DevServer,
	sessionId: string,
	accept: (row: D1Row) => boolean,
	what: string,
): Promise<D1Row> {
	const { rows, accepted } = await pollD1(
		server.persistDir,
		`SELECT * FROM archon_mcp_sessions WHERE session_id = ${sqlString(sessionId)}`,
		(found) => found[0] !== undefined && accept(found[0]),
		MIRROR_TIMEOUT_MS,
	);
	const row = rows[0];
	expect(accepted && row, `${what}: D1 row is ${row ? JSON.stringify(pick(row)) : "missing"}`);
	return row;
}

/** The columns worth quoting in a failure. */
function pick(row: D1Row): D1Row {
	const { status, disconnect_reason, client_type, client_name, client_version } = row;
	return { status, disconnect_reason, client_type, client_name, client_version };
}
