/**
 * The OAuth sign-in and consent page at `/authorize`. A user signs in with
 * their email and password (set by the admin command) or with one of their
 * API tokens, sees which client asks and where the tokens will go, and allows
 * or denies. The OAuth provider keeps the authorization request server-side;
 * the form carries only a one-time handle bound to this browser.
 */
import {
	AuthorizationError,
	CimdFetchError,
	type ConsentDescription,
	type OAuthHelpers,
} from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { type Database, openDatabase } from "../db/database";
import { findUserByEmail, oauthClientTimeout } from "../db/identity-queries";
import { log } from "../log";
import { principalFromApiToken } from "./authenticate";
import type { AuthProps, Principal } from "./caller";
import { verifyPassword } from "./credentials";
import { MCP_SCOPE } from "./oauth-provider";

type AuthorizeContext = Context<{ Bindings: Env & { OAUTH_PROVIDER?: OAuthHelpers } }>;

/** Headers of every page: no caching, no framing (clickjacking), no inline script. */
const PAGE_HEADERS = {
	"Content-Type": "text/html; charset=utf-8",
	"Cache-Control": "no-store",
	"X-Frame-Options": "DENY",
	"Content-Security-Policy":
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
	"Referrer-Policy": "no-referrer",
};

/** GET /authorize: validates the OAuth request and shows the sign-in and consent form. */
export async function showAuthorizePage(c: AuthorizeContext): Promise<Response> {
	const oauth = oauthHelpers(c);
	if (!oauth) return oauthDisabled();
	try {
		const request = await oauth.parseAuthRequest(c.req.raw);
		const details = await oauth.describeConsent(request);
		const consent = await oauth.beginConsent(request);
		return page(renderForm(details, consent.handle), 200, consent.headers);
	} catch (error) {
		return authorizationFailure(error);
	}
}

/** POST /authorize: checks the credentials, then completes or declines the authorization. */
export async function submitAuthorizePage(c: AuthorizeContext): Promise<Response> {
	const oauth = oauthHelpers(c);
	if (!oauth) return oauthDisabled();
	const form = await c.req.raw.clone().formData();
	const handle = String(form.get("handle") ?? "");
	try {
		if (form.get("decision") !== "approve") {
			const denied = await oauth.denyConsent(c.req.raw, handle);
			return new Response(null, { status: 302, headers: denied.headers });
		}
		const db = openDatabase(c.env.DB);
		const principal = await signIn(db, form);
		if (!principal) {
			log.warn("auth.sign_in_failed", { email: String(form.get("email") ?? "").slice(0, 100) });
			return page(renderRetry(handle), 401);
		}
		const approved = await oauth.approveConsent(c.req.raw, handle, { scope: [MCP_SCOPE] });
		const clientId = approved.request.clientId;
		const props: AuthProps = {
			userId: principal.userId,
			email: principal.email,
			role: principal.role,
			credential: { kind: "oauth", id: clientId },
			sessionTimeoutSeconds: await oauthClientTimeout(db, clientId),
		};
		const { redirectTo } = await oauth.completeAuthorization({
			request: approved.request,
			userId: principal.userId,
			metadata: { email: principal.email },
			scope: approved.request.scope,
			props,
		});
		log.info("auth.oauth_granted", { user: principal.userId, client: clientId });
		approved.headers.set("Location", redirectTo);
		return new Response(null, { status: 302, headers: approved.headers });
	} catch (error) {
		return authorizationFailure(error);
	}
}

/** Who signed in on the form. */
type SignedIn = Pick<Principal, "userId" | "email" | "role">;

/** The user behind the form's credentials: an API token, or email and password; null if they fail. */
async function signIn(db: Database, form: FormData): Promise<SignedIn | null> {
	const token = String(form.get("token") ?? "").trim();
	if (token !== "") return principalFromApiToken(db, token);
	const email = String(form.get("email") ?? "");
	const password = String(form.get("password") ?? "");
	const user = await findUserByEmail(db, email);
	if (!user || user.disabledAt !== null || !user.passwordHash) return null;
	if (!(await verifyPassword(password, user.passwordHash))) return null;
	return { userId: user.id, email: user.email, role: user.role };
}

function oauthHelpers(c: AuthorizeContext): OAuthHelpers | undefined {
	return c.env.OAUTH_PROVIDER;
}

function oauthDisabled(): Response {
	return page(
		"<h1>Sign-in is off</h1><p>This server runs with AUTH_MODE=off on loopback; it needs no authorization.</p>",
		404,
	);
}

/** Errors are rendered here, or redirected to the client only where the library says it is safe. */
function authorizationFailure(error: unknown): Response {
	if (error instanceof AuthorizationError) {
		if (error.redirectTo) return Response.redirect(error.redirectTo, 302);
		return page(`<h1>Authorization failed</h1><p>${escapeHtml(error.description)}</p>`, 400);
	}
	if (error instanceof CimdFetchError) {
		return page("<h1>Authorization failed</h1><p>This app could not be verified.</p>", 400);
	}
	throw error;
}

function page(body: string, status: number, extra?: Headers): Response {
	const headers = new Headers(extra);
	for (const [name, value] of Object.entries(PAGE_HEADERS)) headers.set(name, value);
	return new Response(
		`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Archon MCP</title><style>body{font:16px system-ui;max-width:34rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}.warn{background:#fff3cd;padding:.6rem}</style>${body}</html>`,
		{ status, headers },
	);
}

function renderForm(details: ConsentDescription, handle: string): string {
	const name = escapeHtml(details.clientName);
	const origin = details.clientDomain
		? `Published by <strong>${escapeHtml(details.clientDomain)}</strong>.`
		: "This app registered itself; its name is not verified.";
	const loopback = details.redirectIsLoopback
		? '<p class="warn"><strong>This sends access to an app on your computer.</strong> Continue only if you just started signing in from it.</p>'
		: "";
	return `<h1>Allow ${name} to use Archon MCP as you?</h1>
<p>${origin} Access will be sent to <strong>${escapeHtml(details.redirectHost)}</strong>.</p>${loopback}
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(handle)}">
${credentialFields()}
<p><button name="decision" value="approve">Sign in and allow</button> <button name="decision" value="deny">Deny</button></p>
</form>`;
}

function renderRetry(handle: string): string {
	return `<h1>Sign-in failed</h1><p>Those credentials were not accepted. Try again.</p>
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(handle)}">
${credentialFields()}
<p><button name="decision" value="approve">Sign in and allow</button> <button name="decision" value="deny">Deny</button></p>
</form>`;
}

function credentialFields(): string {
	return `<label>Email <input name="email" type="email" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<p>or</p>
<label>API token <input name="token" type="password" autocomplete="off" placeholder="archon_..."></label>`;
}

function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
