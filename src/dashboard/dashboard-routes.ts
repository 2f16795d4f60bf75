/**
 * `/dashboard`: the page, its sign-in and sign-out, and its static assets.
 * Signing in reuses the server's identities (email and password, or an API
 * token, as on `/authorize`) and starts a cookie sign-in
 * (`dashboard-session.ts`); the page then reads `/api/metrics/...`. With
 * `AUTH_MODE=off` honoured on loopback, the page opens without signing in.
 */
import { Hono } from "hono";
import { checkCredentials } from "../auth/sign-in";
import { openDatabase } from "../db/database";
import { McpHttpError } from "../errors";
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
		const db = openDatabase(c.env.DB);
		const user = await checkCredentials(db, form);
		if (!user) {
			log.warn("dashboard.sign_in_failed", {});
			const fresh = newSignInForm();
			return signInPage(fresh.csrfToken, {
				failed: true,
				email: String(form.get("email") ?? ""),
				headers: { "Set-Cookie": fresh.cookie },
			});
		}
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
