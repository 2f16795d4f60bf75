/**
 * The admin view of sessions and OAuth grants, over HTTP: `/api/...`. Callers
 * authenticate with an API token. Admins see and end every session and grant;
 * members only their own, and another user's is a 404 to them, as on `/mcp`.
 */
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken, principalFromApiToken } from "../auth/authenticate";
import { type Principal, unauthorized } from "../auth/caller";
import { listGrants, revokeGrants } from "../auth/grants";
import { oauthHelpers } from "../auth/oauth-provider";
import { endSessionsOfUser } from "../auth/revocation";
import { openDatabase } from "../db/database";
import { disableUser, findToken, findUser, revokeToken } from "../db/identity-queries";
import { requestMetrics } from "../db/request-rows";
import type { SessionStatus } from "../db/schema";
import {
	findSessionRow,
	latestRequests,
	listSessions,
	type SessionFilter,
} from "../db/session-rows";
import { JsonRpcCode, McpHttpError } from "../errors";
import { sessionStub } from "../session/session-routing";

type AdminEnv = { Bindings: Env; Variables: { principal: Principal } };

/** Page size bounds of session listings. */
const PAGE_SIZE = { default: 50, max: 200 } as const;

/** Requests shown with one session. */
const LATEST_REQUESTS = 50;

/** The window of the request metrics when the caller names no `since` (24 hours, in ms). */
const DEFAULT_METRICS_WINDOW_MS = 24 * 3600 * 1000;

const STATUSES: readonly SessionStatus[] = ["active", "expired", "disconnected"];

const requireToken = createMiddleware<AdminEnv>(async (c, next) => {
	const token = bearerToken(c.req.header("authorization"));
	const principal = token ? await principalFromApiToken(openDatabase(c.env.DB), token) : null;
	if (!principal) throw unauthorized(c.req.url, token ? "invalid_token" : undefined);
	c.set("principal", principal);
	await next();
	c.header("Cache-Control", "no-store");
});

/** The `/api` routes. */
export function createAdminRoutes() {
	const api = new Hono<AdminEnv>();
	api.use("*", requireToken);

	api.get("/sessions", async (c) => {
		const principal = c.get("principal");
		const filter = parseFilter(c.req.query(), principal);
		const page = parsePage(c.req.query());
		const sessions = await listSessions(openDatabase(c.env.DB), filter, page);
		return c.json({
			sessions,
			nextOffset: sessions.length === page.limit ? page.offset + page.limit : null,
		});
	});

	api.get("/sessions/:id", async (c) => {
		const db = openDatabase(c.env.DB);
		const session = await visibleSession(db, c.req.param("id"), c.get("principal"));
		return c.json({
			session,
			requests: await latestRequests(db, session.sessionId, LATEST_REQUESTS),
		});
	});

	api.delete("/sessions/:id", async (c) => {
		const db = openDatabase(c.env.DB);
		const session = await visibleSession(db, c.req.param("id"), c.get("principal"));
		const ended = await sessionStub(c.env.MCP_SESSION, session.sessionId).end(
			session.sessionId,
			"admin_terminated",
		);
		if (!ended) throw notFound("Session is not live");
		return c.body(null, 204);
	});

	api.get("/users/:id/sessions", async (c) => {
		const principal = c.get("principal");
		const userId = c.req.param("id");
		if (principal.role !== "admin" && principal.userId !== userId) throw notFound("User not found");
		const filter = { ...parseFilter(c.req.query(), principal), userId };
		const sessions = await listSessions(openDatabase(c.env.DB), filter, parsePage(c.req.query()));
		return c.json({ sessions });
	});

	api.post("/users/:id/disable", async (c) => {
		if (c.get("principal").role !== "admin") throw forbidden();
		const db = openDatabase(c.env.DB);
		const user = await findUser(db, c.req.param("id"));
		if (!user) throw notFound("User not found");
		await disableUser(db, user.id, Date.now());
		const revokedGrants = await revokeGrants(grantApi(c), user.id);
		const endedSessions = await endSessionsOfUser(c.env, user.id, "revoked");
		return c.json({ endedSessions, revokedGrants });
	});

	api.get("/users/:id/grants", async (c) => {
		const userId = await visibleUserId(c);
		return c.json(await listGrants(grantApi(c), userId));
	});

	api.delete("/users/:id/grants/:grantId", async (c) => {
		const userId = await visibleUserId(c);
		const grantId = c.req.param("grantId");
		const revoked = await revokeGrants(grantApi(c), userId, (grant) => grant.id === grantId);
		if (revoked === 0) throw notFound("Grant not found");
		return c.body(null, 204);
	});

	api.get("/metrics/requests", async (c) => {
		if (c.get("principal").role !== "admin") throw forbidden();
		const raw = c.req.query("since");
		const since = raw === undefined ? Date.now() - DEFAULT_METRICS_WINDOW_MS : Number(raw);
		if (!Number.isSafeInteger(since) || since < 0) {
			throw badRequest("since must be epoch milliseconds");
		}
		return c.json({ since, groups: await requestMetrics(openDatabase(c.env.DB), since) });
	});

	api.post("/tokens/:id/revoke", async (c) => {
		const principal = c.get("principal");
		const db = openDatabase(c.env.DB);
		const token = await findToken(db, c.req.param("id"));
		if (!token || (principal.role !== "admin" && token.userId !== principal.userId)) {
			throw notFound("Token not found");
		}
		await revokeToken(db, token.id, Date.now());
		const revokedGrants = await revokeGrants(
			grantApi(c),
			token.userId,
			(grant) => grant.signInTokenId === token.id,
		);
		const endedSessions = await endSessionsOfUser(c.env, token.userId, "revoked");
		return c.json({ endedSessions, revokedGrants });
	});

	return api;
}

/** The provider's grant API, for this request's origin. */
function grantApi(c: Context<AdminEnv>) {
	return oauthHelpers(c.env, new URL(c.req.url).origin);
}

/**
 * The `:id` of a user route when the caller may see that user (an admin, or
 * the user themself) and the user exists; "not found" otherwise. Only an
 * existing user's id reaches the provider's storage keys.
 */
async function visibleUserId(c: Context<AdminEnv>): Promise<string> {
	const principal = c.get("principal");
	const userId = c.req.param("id") ?? "";
	if (principal.role !== "admin" && principal.userId !== userId) throw notFound("User not found");
	const user = await findUser(openDatabase(c.env.DB), userId);
	if (!user) throw notFound("User not found");
	return user.id;
}

/** The session row if the caller may see it; another user's session is "not found" to a member. */
async function visibleSession(
	db: ReturnType<typeof openDatabase>,
	sessionId: string,
	principal: Principal,
) {
	const session = await findSessionRow(db, sessionId);
	if (!session || (principal.role !== "admin" && session.userId !== principal.userId)) {
		throw notFound("Session not found");
	}
	return session;
}

function parseFilter(query: Record<string, string>, principal: Principal): SessionFilter {
	const status = query.status;
	if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
		throw badRequest(`status must be one of ${STATUSES.join(", ")}`);
	}
	const requestedUser = query.user;
	if (
		principal.role !== "admin" &&
		requestedUser !== undefined &&
		requestedUser !== principal.userId
	) {
		throw forbidden();
	}
	return {
		userId: principal.role === "admin" ? requestedUser : principal.userId,
		status: status as SessionStatus | undefined,
		clientType: query.client_type,
	};
}

function parsePage(query: Record<string, string>): { limit: number; offset: number } {
	const limit = query.limit === undefined ? PAGE_SIZE.default : Number(query.limit);
	const offset = query.offset === undefined ? 0 : Number(query.offset);
	if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE.max) {
		throw badRequest(`limit must be a whole number from 1 to ${PAGE_SIZE.max}`);
	}
	// Safe integers only: 1e21 is an integer to JavaScript, but not to SQLite's OFFSET.
	if (!Number.isSafeInteger(offset) || offset < 0) {
		throw badRequest(`offset must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
	}
	return { limit, offset };
}

function badRequest(message: string): McpHttpError {
	return new McpHttpError(400, JsonRpcCode.InvalidParams, `Bad Request: ${message}`);
}

function forbidden(): McpHttpError {
	return new McpHttpError(403, JsonRpcCode.ServerError, "Forbidden: admin role required");
}

function notFound(message: string): McpHttpError {
	return new McpHttpError(404, JsonRpcCode.ServerError, message);
}
