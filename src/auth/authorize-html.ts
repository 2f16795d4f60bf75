/**
 * The pages of `/authorize`: the sign-in form, the sign-in-failed form, the
 * confirmation that names the signed-in account, and readable error pages.
 * One shell sets their security headers. No script, no outside resource.
 */
import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { describeError, McpHttpError } from "../errors";
import { log } from "../log";

/** What a form page needs: the client as the provider describes it, the one-time handle, and its cookies. */
export interface ConsentForm {
	readonly details: ConsentDescription;
	readonly handle: string;
	/** Sent with the page: the `__Host-` cookie that binds `handle` to this browser. */
	readonly headers: Headers;
}

/** The account shown on the confirmation page. */
export interface SignedInAccount {
	readonly email: string;
	readonly displayName: string;
}

/**
 * A CSP host-source (scheme, host, optional port) and nothing else, so a value
 * built from a client's redirect URI can never add a source or a directive.
 */
const HOST_SOURCE = /^https?:\/\/([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/;

/**
 * Headers of every page: no caching, no framing (clickjacking), no script.
 * `Referrer-Policy: same-origin`, not `no-referrer`: under `no-referrer`
 * browsers send `Origin: null` with the form's POST (Fetch §3.1, "serializing
 * a request origin"), which the origin guard refuses on `/authorize`. With
 * `same-origin` they send this server's origin there, and still no referrer to
 * the client's redirect URI or anywhere else.
 */
export const PAGE_HEADERS = {
	"Content-Type": "text/html; charset=utf-8",
	"Cache-Control": "no-store",
	"X-Frame-Options": "DENY",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy": "same-origin",
} as const;

/** The stylesheet: one column that fits a 390 px phone, a primary and a secondary button. */
const STYLE = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:12px}
@media (max-width:30rem){main{margin:0;border:0;border-radius:0;min-height:100vh}}
.brand{margin:0 0 1rem;font-weight:600;color:#57606a}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}
p{margin:0 0 .75rem;overflow-wrap:anywhere}
.account{padding:.75rem;background:#f6f8fa;border-radius:8px}
.warn{padding:.75rem;background:#fff8c5;border:1px solid #d4a72c;border-radius:8px}
.error{padding:.75rem;background:#ffebe9;border:1px solid #ff8182;border-radius:8px}
label{display:block;margin:0 0 .75rem;font-weight:600}
input{display:block;width:100%;max-width:100%;margin-top:.25rem;padding:.625rem .75rem;font:inherit;font-weight:400;border:1px solid #8c959f;border-radius:6px}
input:focus{outline:2px solid #0969da;outline-offset:1px}
.or{margin:.25rem 0 .75rem;color:#57606a;text-align:center}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}
button{flex:1 1 8rem;padding:.7rem 1rem;font:inherit;font-weight:600;border-radius:6px;cursor:pointer}
.primary{color:#fff;background:#1f6feb;border:1px solid #1f6feb}
.primary:hover{background:#0b57d0}
.secondary{color:#1f2328;background:#fff;border:1px solid #8c959f}
.secondary:hover{background:#f3f4f6}`;

/** The form that signs in: first visit (`failed` false) or after refused credentials. */
export function signInPage(
	form: ConsentForm,
	options: { readonly failed: boolean; readonly email?: string },
): Response {
	const name = escapeHtml(form.details.clientName);
	const heading = options.failed
		? '<h1>Sign-in failed</h1>\n<p class="error" role="alert">Those credentials were not accepted. Check them and try again.</p>'
		: `<h1>Sign in to allow ${name} to use Archon MCP</h1>`;
	const email = escapeHtml(options.email ?? "");
	const body = `${heading}
${clientSection(form.details)}
<form method="post">
${handleField(form.handle)}
<label>Email <input name="email" type="email" autocomplete="username" value="${email}"${options.failed ? "" : " autofocus"}></label>
<label>Password <input name="password" type="password" autocomplete="current-password"${options.failed ? " autofocus" : ""}></label>
<p class="or">or</p>
<label>API token <input name="token" type="password" autocomplete="off" placeholder="archon_..."></label>
${actions("sign-in", "Sign in")}
</form>`;
	return page(options.failed ? "Sign-in failed" : "Sign in", body, {
		status: options.failed ? 401 : 200,
		redirectUri: form.details.redirectUri,
		headers: form.headers,
	});
}

/** The confirmation after a successful sign-in: which account, which app, where access goes. */
export function confirmPage(form: ConsentForm, account: SignedInAccount): Response {
	const name = escapeHtml(form.details.clientName);
	const body = `<h1>Allow ${name} to use Archon MCP as you?</h1>
<p class="account">Signed in as <strong>${escapeHtml(account.displayName)}</strong> (${escapeHtml(account.email)}). Not you? Deny, then start again from the app.</p>
${clientSection(form.details)}
<form method="post">
${handleField(form.handle)}
${actions("allow", "Allow")}
</form>`;
	return page("Allow access", body, {
		status: 200,
		redirectUri: form.details.redirectUri,
		headers: form.headers,
	});
}

/**
 * A readable error page. `McpHttpError` keeps its status and message; anything
 * else is logged and becomes a generic 500, as `errorResponse` does for JSON.
 */
export function errorPage(error: unknown): Response {
	if (!(error instanceof McpHttpError)) {
		log.error("authorize.failed", { error: describeError(error) });
	}
	const status = error instanceof McpHttpError ? error.status : 500;
	const message =
		error instanceof McpHttpError ? error.message : "Something went wrong on this server.";
	return failurePage(status, message, error instanceof McpHttpError ? error.headers : {});
}

/** An error page with a given status and message (which the page escapes). */
export function failurePage(status: number, message: string, headers?: HeadersInit): Response {
	const title = status >= 500 ? "Sign-in is unavailable" : "Sign-in cannot continue";
	const body = `<h1>${title}</h1>
<p>${escapeHtml(message)}</p>
<p>Go back to the app you were signing in to, and start signing in again from there.</p>`;
	return page(title, body, { status, headers });
}

/**
 * The `form-action` sources of a page whose form may end in a redirect to
 * `redirectUri`: browsers check `form-action` against every redirect after a
 * submission (CSP 3, "form-action"; Chromium enforces it), so the redirect's
 * origin is named beside `'self'`. The redirect URI was validated against the
 * client's registration. One that is not a plain host-source (a private-use
 * scheme, which this server does not accept, or an IPv6 literal, which CSP
 * cannot name) is left out: the browser then refuses the redirect rather than
 * the policy growing. Without a redirect (an error page), `'none'`.
 */
export function formActionSources(redirectUri: string | undefined): string {
	if (redirectUri === undefined) return "'none'";
	let origin: string;
	try {
		origin = new URL(redirectUri).origin;
	} catch {
		return "'self'";
	}
	return HOST_SOURCE.test(origin) ? `'self' ${origin}` : "'self'";
}

function page(
	title: string,
	body: string,
	options: {
		readonly status: number;
		readonly redirectUri?: string;
		readonly headers?: HeadersInit;
	},
): Response {
	const headers = new Headers(options.headers);
	for (const [name, value] of Object.entries(PAGE_HEADERS)) headers.set(name, value);
	headers.set(
		"Content-Security-Policy",
		`default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action ${formActionSources(options.redirectUri)}; frame-ancestors 'none'`,
	);
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Archon MCP</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">Archon MCP</p>
${body}
</main>
</body>
</html>`;
	return new Response(html, { status: options.status, headers });
}

/** Who asks, whether that name is verified, where access goes, and the warning for a local app. */
function clientSection(details: ConsentDescription): string {
	const name = escapeHtml(details.clientName);
	const publisher = details.clientDomain
		? `Published by <strong>${escapeHtml(details.clientDomain)}</strong>.`
		: "This app registered itself; its name is not verified.";
	const loopback = details.redirectIsLoopback
		? '\n<p class="warn"><strong>This sends access to an app on your computer.</strong> Continue only if you just started signing in from it.</p>'
		: "";
	return `<p><strong>${name}</strong> asks to use Archon MCP as you. ${publisher} Access will be sent to <strong>${escapeHtml(details.redirectHost)}</strong>.</p>${loopback}`;
}

function handleField(handle: string): string {
	return `<input type="hidden" name="handle" value="${escapeHtml(handle)}">`;
}

/** The primary action first (Enter submits it), then Deny; Deny skips the browser's field checks. */
function actions(decision: string, label: string): string {
	return `<div class="actions"><button class="primary" type="submit" name="decision" value="${decision}">${label}</button><button class="secondary" type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>`;
}

/** `value` safe inside HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
