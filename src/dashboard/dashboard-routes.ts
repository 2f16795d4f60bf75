/**
 * `/dashboard`: the page, its sign-in and sign-out, and its static assets.
 * Signing in reuses the server's identities (email and password, or an API
 * token, as on `/authorize`) and starts a cookie sign-in
 * (`dashboard-session.ts`); the page then reads `/api/metrics/...`. With
 * `AUTH_MODE=off` honoured on loopback, the page opens without signing in.
 */
import { Hono } from "hono";
import { checkCredentials, signInAttempt } from "../auth/sign-in";
import { countSignIn } from "../auth/sign-in-limits";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { McpHttpError } from "../errors";
import { retryAfter } from "../limits/rate-limits";
import { log } from "../log";
import { dashboardPage, messagePage, signInPage } from "./dashboard-html";
import {
	endDashboardSession,
	findDashboardSession,
	readCookie,
	SESSION_COOKIE,
	startDashboardSession,
} from "./dashboard-session";
import { checkSignedInForm, checkSignInForm, newSignInForm } from "./sign-in-form";
import { viewerOf } from "./viewer";

/** The dashboard's paths. */
export const DashboardPath = {
	Page: "/dashboard",
	SignIn: "/dashboard/sign-in",
	SignOut: "/dashboard/sign-out",
} as const;

/** The `/dashboard` routes, mounted at `/dashboard`. */
export function createDashboardRoutes() {
	const dashboard = new Hono<{ Bindings: Env }>();

	dashboard.get("/", async (c) => {
		const viewer = await viewerOf(c, false);
		if (!viewer) return redirect(DashboardPath.SignIn);
		return dashboardPage(viewer);
	});

	dashboard.get("/sign-in", () => {
		const form = newSignInForm();
		return signInPage(form.csrfToken, { failed: false, headers: { "Set-Cookie": form.cookie } });
	});

	dashboard.post("/sign-in", async (c) => {
		const form = await c.req.formData();
		try {
			checkSignInForm(c.req.raw, form);
		} catch (error) {
			return refusedForm(error);
		}
		// The same failure limits as the OAuth sign-in page: per account and per network.
		const attempt = signInAttempt(form);
		const counted = await countSignIn(c.env.RATE_LIMITER, readConfig(c.env), c.req.raw, attempt);
		if (!counted.allowed) {
			log.warn("dashboard.sign_in_limited", {});
			const minutes = Math.ceil(counted.decision.retryAfterSeconds / 60);
			return messagePage(
				429,
				`Too many failed sign-ins for this account or from this network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
				retryAfter(counted.decision),
			);
		}
		const db = openDatabase(c.env.DB);
		const user = await checkCredentials(db, attempt);
		if (!user) {
			log.warn("dashboard.sign_in_failed", {});
			const fresh = newSignInForm();
			return signInPage(fresh.csrfToken, {
				failed: true,
				email: String(form.get("email") ?? ""),
				headers: { "Set-Cookie": fresh.cookie },
			});
		}
		await counted.succeeded();
		const { cookie } = await startDashboardSession(db, user, Date.now());
		log.info("dashboard.signed_in", { user: user.userId, role: user.role });
		return redirect(DashboardPath.Page, cookie);
	});

	dashboard.post("/sign-out", async (c) => {
		const db = openDatabase(c.env.DB);
		const token = readCookie(c.req.header("cookie"), SESSION_COOKIE);
		const signIn = await findDashboardSession(db, token, Date.now());
		if (signIn) {
			try {
				checkSignedInForm(c.req.raw, await c.req.formData(), signIn.csrfToken);
			} catch (error) {
				return refusedForm(error);
			}
		}
		return redirect(DashboardPath.SignIn, await endDashboardSession(db, token));
	});

	dashboard.get("/assets/*", async (c) => {
		if (!c.env.ASSETS) {
			throw new Error(
				'The assets binding "ASSETS" is missing: add [assets] directory = "./public", binding = "ASSETS" to wrangler.toml.',
			);
		}
		const response = await c.env.ASSETS.fetch(c.req.raw);
		const headers = new Headers(response.headers);
		headers.set("X-Content-Type-Options", "nosniff");
		return new Response(response.body, { status: response.status, headers });
	});

	return dashboard;
}

/** 303 to `location`, setting `cookie` when given. */
function redirect(location: string, cookie?: string): Response {
	const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
	if (cookie) headers.set("Set-Cookie", cookie);
	return new Response(null, { status: 303, headers });
}

function refusedForm(error: unknown): Response {
	if (!(error instanceof McpHttpError)) throw error;
	return messagePage(error.status, error.message);
}
