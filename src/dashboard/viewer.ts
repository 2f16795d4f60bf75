/**
 * Who is looking at the dashboard or the metrics API, and what they may see:
 * admins everything, members their own sessions only (as in the admin API).
 * A caller proves who they are with an API token (`Authorization: Bearer`),
 * or with the dashboard's sign-in cookie plus its CSRF token in the
 * `X-Archon-CSRF` header (so no other page can make the browser ask); with
 * `AUTH_MODE=off` honoured on loopback, the local developer sees everything.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken, principalFromApiToken } from "../auth/authenticate";
import { unauthorized } from "../auth/caller";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { isAuthOff } from "../http/auth-bypass";
import { EVERYONE, type MetricsScope } from "../metrics/scope";
import {
	type DashboardUser,
	findDashboardSession,
	readCookie,
	SESSION_COOKIE,
	sameSecret,
} from "./dashboard-session";

/** The header a cookie-authenticated API call carries its CSRF token in. */
export const CSRF_HEADER = "X-Archon-CSRF";

/** A caller of the dashboard or the metrics API. */
export interface Viewer {
	/** The signed-in user; null when auth is off on loopback. */
	readonly user: DashboardUser | null;
	readonly isAdmin: boolean;
	/** Whose data they see. */
	readonly scope: MetricsScope;
	/** The CSRF token of their dashboard sign-in; "" for API tokens and auth off. */
	readonly csrfToken: string;
}

/** Hono variables of routes behind `requireViewer`. */
export type ViewerEnv = { Bindings: Env; Variables: { viewer: Viewer } };

/**
 * The viewer of a request, or null when it carries no valid credentials.
 * `cookieNeedsCsrf` asks a cookie sign-in to show its CSRF token in the
 * `X-Archon-CSRF` header too (API calls); pages do without (a top-level GET).
 */
export async function viewerOf<E extends { Bindings: Env }>(
	c: Context<E>,
	cookieNeedsCsrf: boolean,
): Promise<Viewer | null> {
	const db = openDatabase(c.env.DB);
	const token = bearerToken(c.req.header("authorization"));
	if (token) {
		const principal = await principalFromApiToken(db, token);
		return principal ? viewerFor(principal, "") : null;
	}
	const signIn = await findDashboardSession(
		db,
		readCookie(c.req.header("cookie"), SESSION_COOKIE),
		Date.now(),
	);
	if (signIn) {
		if (cookieNeedsCsrf && !sameSecret(c.req.header(CSRF_HEADER) ?? "", signIn.csrfToken)) {
			throw new McpHttpError(403, JsonRpcCode.ServerError, "Forbidden: missing CSRF token");
		}
		return viewerFor(signIn.user, signIn.csrfToken);
	}
	if (isAuthOff(c.req.raw, readConfig(c.env))) {
		return { user: null, isAdmin: true, scope: EVERYONE, csrfToken: "" };
	}
	return null;
}

/** Middleware of the metrics API: 401 without a viewer, and never cached. */
export const requireViewer = createMiddleware<ViewerEnv>(async (c, next) => {
	const viewer = await viewerOf(c, true);
	if (!viewer) {
		throw unauthorized(
			c.req.url,
			c.req.header("authorization") === undefined ? undefined : "invalid_token",
		);
	}
	c.set("viewer", viewer);
	await next();
	c.header("Cache-Control", "no-store");
});

/** 403 unless the viewer is an admin. */
export function requireAdmin(viewer: Viewer): void {
	if (!viewer.isAdmin) {
		throw new McpHttpError(403, JsonRpcCode.ServerError, "Forbidden: admin role required");
	}
}

function viewerFor(user: DashboardUser, csrfToken: string): Viewer {
	const isAdmin = user.role === "admin";
	return { user, isAdmin, scope: isAdmin ? EVERYONE : { userId: user.userId }, csrfToken };
}
