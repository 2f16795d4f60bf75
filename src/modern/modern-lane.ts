/**
 * The modern lane: MCP 2026-07-28 served per request, with no Durable Object
 * on the response path. The SDK's `createMcpHandler` serves the one server
 * definition (`createMcpServer`) and owns every 2026-07-28 rule: the `_meta`
 * envelope, the `MCP-Protocol-Version`/`Mcp-Method`/`Mcp-Name` checks
 * (-32020), unsupported versions (-32022), unknown methods (404, -32601),
 * `server/discover`, `resultType` and `serverInfo` on results, 405 for GET and
 * DELETE, no session ids, no `Last-Event-ID`, cancellation by closing the
 * stream, SSE keep-alives. It runs with `legacy: "reject"`: the front door
 * (`src/http/mcp-route.ts`) sends 2025 traffic to the session lane instead.
 *
 * The front door has already done what both lanes share: Host/Origin,
 * authentication, Content-Type and the body limit. This lane adds the request
 * log: every request it answers (refusals included) becomes a row, written off
 * the response path (`row-writer.ts`).
 */
import {
	CLIENT_INFO_META_KEY,
	createMcpHandler,
	InMemoryServerEventBus,
	type McpHttpHandler,
	PROTOCOL_VERSION_META_KEY,
	type RequestId,
} from "@modelcontextprotocol/server";
import type { Principal } from "../auth/caller";
import type { RequestRow } from "../db/request-rows";
import { describeError } from "../errors";
import { log } from "../log";
import { callerAuthInfo } from "../mcp/request-state";
import { createMcpServer } from "../mcp/server";
import { cutChars, MAX_CLIENT_FIELD_CHARS, MAX_NAME_CHARS } from "../mcp/stored-strings";
import type { RequestCaller } from "../mcp/tool-context";
import { logServedRequest } from "../telemetry/request-log";
import { traceparentOf } from "../telemetry/trace-context";
import { observeOutcome } from "./response-outcome";
import { rowWriterFor, type WaitUntil } from "./row-writer";

/** Interval of SSE keep-alive comments on a long response or listen stream (15 seconds). */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Change events for the `subscriptions/listen` streams this isolate serves.
 * Events reach only the streams of the same isolate; today only the
 * conformance fixtures publish any (the server's tools never change).
 */
const listenBus = new InMemoryServerEventBus((error) =>
	log.warn("modern.listen_listener_failed", { error: describeError(error) }),
);

/** What the server factory needs of the request it builds a server for. */
interface ServedRequest {
	readonly env: Env;
	readonly caller: RequestCaller;
}

/** The request being served, by the `Request` the SDK hands the factory back as `requestInfo`. */
const servedRequests = new WeakMap<Request, ServedRequest>();

/** One handler per keep-alive interval in this isolate; building one per request cost a tenth of a modern call (bench/README.md). */
const handlers = new Map<number, McpHttpHandler>();

/** The isolate's handler: its factory builds a server per request, for the caller `servedRequests` holds. */
function handlerFor(keepAliveMs: number): McpHttpHandler {
	const existing = handlers.get(keepAliveMs);
	if (existing) return existing;
	const handler: McpHttpHandler = createMcpHandler(
		({ requestInfo }) => {
			const served = requestInfo && servedRequests.get(requestInfo);
			if (!served)
				throw new Error("The modern lane built a server for a request it does not serve");
			return createMcpServer({ env: served.env, caller: served.caller, notify: handler.notify });
		},
		{
			legacy: "reject",
			bus: listenBus,
			keepAliveMs,
			// Rejections are answered on the wire and land in the request log; the log line is for debugging.
			onerror: (error) => log.debug("modern.rejected", { error: describeError(error) }),
		},
	);
	handlers.set(keepAliveMs, handler);
	return handler;
}

/** One request for the modern lane, as the front door hands it over. */
export interface ModernCall {
	readonly request: Request;
	/** The parsed JSON body of a POST; absent for GET and DELETE. */
	readonly body?: unknown;
	readonly env: Env;
	/** The verified caller; null when auth is off (loopback development). */
	readonly principal: Principal | null;
	/** False only for the benchmark's untracked loopback requests (`http/bench-tracking.ts`): no row is written. */
	readonly tracked: boolean;
	/** Keeps the request log's write alive after the response (`ctx.waitUntil`). */
	readonly waitUntil: WaitUntil;
}

/** Options tests replace. */
export interface ModernLaneOptions {
	/** SSE keep-alive interval in milliseconds; `KEEP_ALIVE_MS` by default. */
	readonly keepAliveMs?: number;
}

/**
 * Serves one modern request and logs it.
 *
 * @example
 * // src/http/mcp-route.ts
 * return serveModern({ request, body, env: c.env, principal, tracked: true, waitUntil: (work) => c.executionCtx.waitUntil(work) });
 */
export async function serveModern(
	call: ModernCall,
	options: ModernLaneOptions = {},
): Promise<Response> {
	const startedAt = Date.now();
	const caller = callerOf(call.body, call.principal);
	const handler = handlerFor(options.keepAliveMs ?? KEEP_ALIVE_MS);
	servedRequests.set(call.request, { env: call.env, caller });
	// The user reaches the server as authInfo, which binds a sealed requestState to them (request-state.ts).
	const authInfo = callerAuthInfo(caller.userId);
	const response = await handler.fetch(call.request, {
		...(call.body === undefined ? {} : { parsedBody: call.body }),
		...(authInfo === undefined ? {} : { authInfo }),
	});
	const logged = call.tracked ? loggedRequestOf(call.body) : undefined;
	if (!logged) return response;
	// Held until the row is queued: an SSE answer may end long after this function returned.
	const queued = Promise.withResolvers<void>();
	call.waitUntil(queued.promise);
	return observeOutcome(response, logged.id, (outcome) => {
		const row: RequestRow = {
			requestId: crypto.randomUUID(),
			sessionId: null,
			era: "modern",
			method: logged.method,
			toolName: logged.toolName,
			timestamp: startedAt,
			durationMs: Date.now() - startedAt,
			...outcome,
			userId: caller.userId,
			clientName: caller.clientName,
			clientVersion: caller.clientVersion,
			protocolVersion: caller.protocolVersion,
			traceparent: logged.traceparent,
		};
		logServedRequest({
			era: "modern",
			sessionId: null,
			method: logged.method,
			toolName: logged.toolName,
			jsonrpcId: logged.id,
			protocolVersion: caller.protocolVersion,
			durationMs: row.durationMs,
			status: outcome.status,
			traceparent: logged.traceparent,
		});
		rowWriterFor(call.env.DB).add(row, call.waitUntil);
		queued.resolve();
	});
}

/** What the request log says a body asked for; undefined for what is not a request (notifications, GET, DELETE). */
interface LoggedRequest {
	readonly id: RequestId | null;
	readonly method: string;
	readonly toolName: string | null;
	/** The client's W3C `traceparent` from `params._meta`, or null. */
	readonly traceparent: string | null;
}

function loggedRequestOf(body: unknown): LoggedRequest | undefined {
	if (body === undefined) return undefined;
	if (Array.isArray(body))
		return { id: null, method: "(batch)", toolName: null, traceparent: null };
	const message = asRecord(body);
	const id = message?.id;
	const hasId = typeof id === "string" || typeof id === "number";
	// A JSON-RPC notification is acknowledged, not answered: activity, not a request (as in a session).
	if (message && !hasId && typeof message.method === "string") return undefined;
	const method = typeof message?.method === "string" ? message.method : "(invalid)";
	const name = method === "tools/call" ? asRecord(message?.params)?.name : undefined;
	return {
		id: hasId ? id : null,
		method: cutChars(method, MAX_NAME_CHARS),
		toolName: typeof name === "string" ? cutChars(name, MAX_NAME_CHARS) : null,
		traceparent: traceparentOf(message?.params),
	};
}

/** The caller as this request describes itself in `_meta`, with the user the front door verified. */
function callerOf(body: unknown, principal: Principal | null): RequestCaller {
	const meta = asRecord(asRecord(asRecord(body)?.params)?._meta);
	const clientInfo = asRecord(meta?.[CLIENT_INFO_META_KEY]);
	return {
		userId: principal?.userId ?? null,
		userEmail: principal?.email ?? null,
		role: principal?.role ?? null,
		clientName: stringOrNull(clientInfo?.name),
		clientVersion: stringOrNull(clientInfo?.version),
		protocolVersion: stringOrNull(meta?.[PROTOCOL_VERSION_META_KEY]),
	};
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** A client-supplied string as the request log keeps it (cut to a client field's bound), or null. */
function stringOrNull(value: unknown): string | null {
	return typeof value === "string" ? cutChars(value, MAX_CLIENT_FIELD_CHARS) : null;
}
