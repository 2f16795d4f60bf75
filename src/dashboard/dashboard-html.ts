/**
 * The dashboard's HTML: the sign-in form and the shell of the dashboard page,
 * whose script and styles are static assets under `/dashboard/assets/`
 * (`public/dashboard/assets/`). A strict CSP: scripts, styles and data from
 * this origin only, no inline script, no framing.
 */
import { escapeHtml, PAGE_HEADERS as SIGN_IN_PAGE_HEADERS } from "../auth/authorize-html";
import { CSRF_FIELD } from "./sign-in-form";
import type { Viewer } from "./viewer";

/** Where the dashboard's static files are served. */
export const ASSETS_PATH = "/dashboard/assets";

/** Headers of every dashboard page: the sign-in page's (no caching, no framing), and its own CSP. */
const PAGE_HEADERS = {
	...SIGN_IN_PAGE_HEADERS,
	"Content-Security-Policy":
		"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
} as const;

/** The sign-in form; `failed` after refused credentials. */
export function signInPage(
	csrfToken: string,
	options: { failed: boolean; email?: string; headers?: HeadersInit },
): Response {
	const failed = options.failed
		? '<p class="error" role="alert">Sign-in failed. Check the email and password, or the API token.</p>'
		: "";
	const body = `<main class="narrow">
<h1>Archon MCP dashboard</h1>
<p>Sign in with your email and password, or with one of your API tokens.</p>
${failed}
<form method="post" action="/dashboard/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken)}">
<label>Email <input type="email" name="email" autocomplete="username" value="${escapeHtml(options.email ?? "")}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<p class="or">or</p>
<label>API token <input type="password" name="token" autocomplete="off" placeholder="archon_..."></label>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>
</main>`;
	return page("Sign in", body, options.failed ? 401 : 200, options.headers);
}

/** The dashboard: a shell the script fills from the metrics API. */
export function dashboardPage(viewer: Viewer): Response {
	const who = viewer.user
		? `${escapeHtml(viewer.user.email)} (${viewer.user.role})`
		: "local (auth off)";
	const signOut = viewer.csrfToken
		? `<form method="post" action="/dashboard/sign-out" class="sign-out"><input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(viewer.csrfToken)}"><button type="submit" class="secondary">Sign out</button></form>`
		: "";
	const body = `<header class="top">
<h1>Archon MCP</h1>
<p class="who" id="who">Signed in as <strong>${who}</strong></p>
${signOut}
</header>
<main id="dashboard" data-admin="${viewer.isAdmin}" data-csrf="${escapeHtml(viewer.csrfToken)}"><p class="wide" role="status">Loading…</p></main>
<script defer src="${ASSETS_PATH}/vendor/uPlot.iife.min.js"></script>
<script type="module" src="${ASSETS_PATH}/dashboard.js"></script>`;
	return page("Dashboard", body, 200);
}

function page(title: string, body: string, status: number, headers?: HeadersInit): Response {
	const merged = new Headers(headers);
	for (const [name, value] of Object.entries(PAGE_HEADERS)) merged.set(name, value);
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Archon MCP</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS_PATH}/vendor/uPlot.min.css">
<link rel="stylesheet" href="${ASSETS_PATH}/dashboard.css">
</head>
<body>
${body}
</body>
</html>`;
	return new Response(html, { status, headers: merged });
}

/** A page that says what went wrong and links back to the sign-in form. */
export function messagePage(status: number, message: string, headers?: HeadersInit): Response {
	const body = `<main class="narrow">
<h1>Archon MCP dashboard</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p><a href="/dashboard">Back to the dashboard</a></p>
</main>`;
	return page("Dashboard", body, status, headers);
}
