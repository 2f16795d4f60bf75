/**
 * What the benchmark measures: each kind of request, against which server,
 * and how one request is sent and its answer checked. Every kind runs with 8
 * connections and with 1 (issue 13's "Where it stands" and "Goal").
 */
import type { DevServer } from "../scripts/lib/dev-server.ts";
import {
	type ClientInfo,
	type McpReply,
	MODERN_PROTOCOL_VERSION,
	openSession,
	postMcp,
	postModern,
	toolsCallRequest,
} from "../scripts/lib/mcp-http.ts";
import { provision } from "../scripts/live/auth-server.ts";
import type { LoadOptions } from "./load.ts";
import { SIMPLE_TEXT, SIMPLE_TEXT_TOOL } from "./peer/simple-text.ts";
import type { ServerRole } from "./servers.ts";

/** Connection counts every kind is measured with (each connection keeps one request in flight). */
export const CONNECTIONS = [8, 1] as const;

/** Longest one request may take before it counts as failed (10 seconds). */
const REQUEST_TIMEOUT_MS = 10_000;

const CLIENT: ClientInfo = { name: "archon-bench", version: "1.0.0" };

/** Sends one request and resolves with an error message when the answer is wrong. */
export type Sender = LoadOptions["send"];

/** Why a target cannot run against this server. */
export interface Unavailable {
	readonly unavailable: string;
}

/** A kind of request, measured at each connection count. */
interface TargetKind {
	readonly kind: string;
	readonly label: string;
	readonly server: ServerRole;
	/** Opens what one target of this kind needs (its own session) and returns its sender. */
	readonly prepare: (server: DevServer) => Promise<Sender | Unavailable>;
}

/** One measured target: a kind at a connection count, e.g. `legacy@8`. */
export interface Target {
	readonly id: string;
	readonly kind: string;
	readonly label: string;
	readonly server: ServerRole;
	readonly connections: number;
	readonly prepare: TargetKind["prepare"];
}

let nextRequestId = 1;

const KINDS: readonly TargetKind[] = [
	{
		kind: "bare",
		label: "project GET /health/live",
		server: "project",
		prepare: async (server) => getText(`${server.origin}/health/live`, "ok"),
	},
	{
		kind: "peer-bare",
		label: "peer GET /bare",
		server: "peer",
		prepare: async (server) => getText(`${server.origin}/bare`, "ok"),
	},
	{
		kind: "echo",
		label: "peer Worker → Durable Object echo",
		server: "peer",
		prepare: async (server) => echo(server),
	},
	{
		kind: "mcpagent",
		label: `peer agents McpAgent ${SIMPLE_TEXT_TOOL}, live session`,
		server: "peer",
		prepare: (server) => toolCallInSession(server, SIMPLE_TEXT_TOOL, expectSimpleText),
	},
	{
		kind: "legacy",
		label: `project legacy ${SIMPLE_TEXT_TOOL}, live session`,
		server: "project",
		prepare: (server) => toolCallInSession(server, SIMPLE_TEXT_TOOL, expectSimpleText),
	},
	{
		kind: "legacy-untracked",
		label: `project legacy ${SIMPLE_TEXT_TOOL}, tracking off`,
		server: "untracked",
		prepare: (server) => toolCallInSession(server, SIMPLE_TEXT_TOOL, expectSimpleText),
	},
	{
		kind: "health",
		label: "project legacy health_check, live session",
		server: "project",
		prepare: (server) => toolCallInSession(server, "health_check", expectResult),
	},
	{
		kind: "modern",
		label: `project ${MODERN_PROTOCOL_VERSION} ${SIMPLE_TEXT_TOOL}, no session`,
		server: "project",
		prepare: (server) => modernToolCall(server),
	},
	{
		kind: "legacy-auth",
		label: `project legacy ${SIMPLE_TEXT_TOOL}, API token (auth on)`,
		server: "auth",
		prepare: async (server) =>
			toolCallInSession(server, SIMPLE_TEXT_TOOL, expectSimpleText, await benchToken(server)),
	},
	{
		kind: "modern-auth",
		label: `project ${MODERN_PROTOCOL_VERSION} ${SIMPLE_TEXT_TOOL}, API token (auth on)`,
		server: "auth",
		prepare: async (server) => modernToolCall(server, await benchToken(server)),
	},
];

/** The API token of the bench's one user on each auth server, made once with the admin command. */
const tokens = new WeakMap<DevServer, Promise<string>>();

function benchToken(server: DevServer): Promise<string> {
	let token = tokens.get(server);
	if (!token) {
		token = provision(server, {
			email: "bench@example.com",
			name: "Bench",
			role: "member",
		}).then((user) => user.token);
		tokens.set(server, token);
	}
	return token;
}

/** Every target, or those `filter` names by kind (`legacy`) or by id (`legacy@1`). */
export function selectTargets(filter: readonly string[] | undefined): Target[] {
	const all = KINDS.flatMap((kind) =>
		CONNECTIONS.map((connections) => ({
			...kind,
			id: `${kind.kind}@${connections}`,
			connections,
		})),
	);
	if (filter === undefined) return all;
	const unknown = filter.filter((name) => !all.some((t) => t.id === name || t.kind === name));
	if (unknown.length > 0) {
		const kinds = KINDS.map((kind) => kind.kind).join(", ");
		throw new Error(
			`Unknown target ${unknown.join(", ")}: name a kind (${kinds}) or kind@connections (${CONNECTIONS.map((n) => `legacy@${n}`).join(", ")})`,
		);
	}
	return all.filter((target) => filter.includes(target.id) || filter.includes(target.kind));
}

/** True when `prepared` is a reason, not a sender. */
export function isUnavailable(prepared: Sender | Unavailable): prepared is Unavailable {
	return typeof prepared !== "function";
}

function timeout(): AbortSignal {
	return AbortSignal.timeout(REQUEST_TIMEOUT_MS);
}

/** GET `url`, expecting 200 and exactly `expected`. */
function getText(url: string, expected: string): Sender {
	return async () => {
		const response = await fetch(url, { signal: timeout() });
		const text = await response.text();
		return response.status === 200 && text === expected ? undefined : `HTTP ${response.status}`;
	};
}

/**
 * POST to the echo object of a session of its own. The body is a `tools/call`
 * message, so the echo carries as many bytes as a tool call does.
 */
function echo(server: DevServer): Sender {
	const url = `${server.origin}/echo?session=${crypto.randomUUID()}`;
	const body = JSON.stringify(toolsCallRequest(1, SIMPLE_TEXT_TOOL));
	return async () => {
		const response = await fetch(url, { method: "POST", body, signal: timeout() });
		const text = await response.text();
		return response.status === 200 && text === body ? undefined : `HTTP ${response.status}`;
	};
}

/** Opens a session of its own (with `bearerToken`'s user, when given), then calls `tool` in it. */
async function toolCallInSession(
	server: DevServer,
	tool: string,
	check: (reply: McpReply) => string | undefined,
	bearerToken?: string,
): Promise<Sender> {
	const sessionId = await openSession(server.mcpUrl, CLIENT, { bearerToken });
	return async () =>
		check(
			await postMcp(
				server.mcpUrl,
				toolsCallRequest(++nextRequestId, tool),
				{ sessionId, bearerToken },
				timeout(),
			),
		);
}

/**
 * A 2026-07-28 tool call with no session, once the project serves that
 * revision: its `server/discover` must answer 200 with a result first.
 */
async function modernToolCall(
	server: DevServer,
	bearerToken?: string,
): Promise<Sender | Unavailable> {
	const discover = await postModern(
		server.mcpUrl,
		{ jsonrpc: "2.0", id: ++nextRequestId, method: "server/discover" },
		CLIENT,
		timeout(),
		bearerToken,
	);
	if (discover.status !== 200 || !discover.messages.at(-1)?.result) {
		return {
			unavailable: `server/discover at ${MODERN_PROTOCOL_VERSION} answered HTTP ${discover.status}`,
		};
	}
	return async () =>
		expectSimpleText(
			await postModern(
				server.mcpUrl,
				toolsCallRequest(++nextRequestId, SIMPLE_TEXT_TOOL),
				CLIENT,
				timeout(),
				bearerToken,
			),
		);
}

/** A 200 whose last message is a result without `isError`. */
function expectResult(reply: McpReply): string | undefined {
	const message = reply.messages.at(-1);
	if (reply.status !== 200) return `HTTP ${reply.status}`;
	return message?.result && !message.result.isError ? undefined : JSON.stringify(message);
}

/** A successful result whose first content item is `test_simple_text`'s text. */
function expectSimpleText(reply: McpReply): string | undefined {
	const failure = expectResult(reply);
	if (failure) return failure;
	const content = reply.messages.at(-1)?.result?.content as
		| ReadonlyArray<{ readonly text?: unknown }>
		| undefined;
	return content?.[0]?.text === SIMPLE_TEXT ? undefined : JSON.stringify(content);
}
