/**
 * CSRF protection of the dashboard's forms. Before sign-in there is no
 * session to bind a token to, so the sign-in form uses a double-submit token:
 * a random value in an `HttpOnly`, `SameSite=Strict` `__Host-` cookie and the
 * same value in the form. After sign-in, forms carry the sign-in's own token
 * (synchronizer token, `dashboard-session.ts`). Every POST must also come from
 * this server's own origin (or send no `Origin`, which browsers always send
 * on a POST).
 */
import { JsonRpcCode, McpHttpError } from "../errors";
import { isSameOrigin } from "../http/origin";
import { cookieHeader, randomToken, readCookie, sameSecret } from "./dashboard-session";

/** The form field that carries the CSRF token. */
export const CSRF_FIELD = "csrf";

/** The cookie of the sign-in form's double-submit token. */
const SIGN_IN_COOKIE = "__Host-archon-dashboard-sign-in";

/** How long a sign-in form stays usable: 10 minutes (seconds). */
const SIGN_IN_FORM_TTL_SECONDS = 600;

/** A fresh token for a sign-in form, and the `Set-Cookie` value that binds it to this browser. */
export function newSignInForm(): { csrfToken: string; cookie: string } {
	const csrfToken = randomToken();
	return { csrfToken, cookie: cookieHeader(SIGN_IN_COOKIE, csrfToken, SIGN_IN_FORM_TTL_SECONDS) };
}

/** Throws 403 unless the sign-in form's token matches its cookie. */
export function checkSignInForm(request: Request, form: FormData): void {
	checkOrigin(request);
	const cookie = readCookie(request.headers.get("cookie"), SIGN_IN_COOKIE);
	if (!sameSecret(String(form.get(CSRF_FIELD) ?? ""), cookie)) throw csrfRefused();
}

/** Throws 403 unless a signed-in form carries the sign-in's token. */
export function checkSignedInForm(request: Request, form: FormData, csrfToken: string): void {
	checkOrigin(request);
	if (!sameSecret(String(form.get(CSRF_FIELD) ?? ""), csrfToken)) throw csrfRefused();
}

function checkOrigin(request: Request): void {
	if (!isSameOrigin(request.headers.get("origin"), new URL(request.url))) throw csrfRefused();
}

function csrfRefused(): McpHttpError {
	return new McpHttpError(
		403,
		JsonRpcCode.ServerError,
		"Forbidden: the form expired or came from another page; reload the page and try again",
	);
}
