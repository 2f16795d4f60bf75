/**
 * The OAuth sign-in and consent flow at `/authorize`, in two steps:
 * 1. `GET` shows the sign-in form: which app asks, whether its name is
 *    verified, where access goes. The user signs in with email and password
 *    (set by the admin command) or with one of their API tokens.
 * 2. `POST decision=sign-in` checks the form's one-time handle first, then the
 *    credentials, and answers the confirmation page that names the account, or
 *    the sign-in-failed form; either with a fresh handle for the same request.
 * 3. `POST decision=allow` completes the authorization for that account and
 *    redirects to the client. `decision=deny`, on either form, redirects to the
 *    client with `error=access_denied`.
 *
 * The OAuth provider keeps the authorization request server-side; a form
 * carries only a one-time handle, bound to this browser by a `__Host-` cookie
 * (the provider's consent helpers). Every answer is a page or a redirect, never
 * JSON: a person reads it.
 */
import {
	AuthorizationError,
	type AuthRequest,
	CimdFetchError,
	type OAuthHelpers,
} from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { oauthClientTimeout } from "../db/identity-queries";
import { retryAfter } from "../limits/rate-limits";
import { log } from "../log";
import {
	type ConsentForm,
	confirmPage,
	errorPage,
	failurePage,
	signInPage,
} from "./authorize-html";
import type { AuthProps } from "./caller";
import type { GrantMetadata } from "./grants";
import { tooLong } from "./oauth-guard";
import { MCP_SCOPE } from "./oauth-provider";
import {
	checkCredentials,
	forgetSignIn,
	rememberSignIn,
	signInAttempt,
	takeSignIn,
} from "./sign-in";
import { countSignIn } from "./sign-in-limits";

type AuthorizeContext = Context<{ Bindings: Env & { OAUTH_PROVIDER?: OAuthHelpers } }>;

/** Characters of a refused email written to the log and shown again on the form. */
const MAX_LOGGED_EMAIL_CHARS = 100;

/** GET /authorize: validates the OAuth request and shows the sign-in form. */
export async function showAuthorizePage(c: AuthorizeContext): Promise<Response> {
	const oauth = c.env.OAUTH_PROVIDER;
	if (!oauth) return oauthDisabled();
	// The provider keys its client lookup by client_id; KV refuses keys that long.
	if (tooLong(c.req.query("client_id"))) return failurePage(400, "Invalid client_id: too long.");
	try {
		const request = await oauth.parseAuthRequest(c.req.raw);
		return signInPage(await startForm(oauth, request), { failed: false });
	} catch (error) {
		return authorizationFailure(error);
	}
}

/** POST /authorize: one step of the flow, chosen by the button the user pressed. */
export async function submitAuthorizePage(c: AuthorizeContext): Promise<Response> {
	const oauth = c.env.OAUTH_PROVIDER;
	if (!oauth) return oauthDisabled();
	const form = await c.req.raw.formData().catch(() => null);
	if (!form) return failurePage(400, "The sign-in form did not arrive as a form.");
	const handle = String(form.get("handle") ?? "");
	try {
		switch (form.get("decision")) {
			case "sign-in":
				return await signIn(c, oauth, form, handle);
			case "allow":
				return await allow(c, oauth, handle);
			case "deny":
				return await deny(c, oauth, handle);
			default:
				return failurePage(400, "The form did not say whether to sign in, allow or deny.");
		}
	} catch (error) {
		return authorizationFailure(error);
	}
}

/** 405 for any other method on `/authorize`, as a page. */
export function authorizeMethodNotAllowed(): Response {
	return failurePage(405, "This page only shows and receives the sign-in form.", {
		Allow: "GET, POST",
	});
}

/**
 * Sign-in step: the handle, then the failure limits, then the credentials;
 * the confirmation, or the form again. Every failure gets the same page
 * whatever the email names (README, "The sign-in page": no oracle of passwords or emails).
 */
async function signIn(
	c: AuthorizeContext,
	oauth: OAuthHelpers,
	form: FormData,
	handle: string,
): Promise<Response> {
	// The handle and its cookie first: credentials are checked only for a form this browser was shown.
	const approved = await oauth.approveConsent(c.req.raw, handle);
	const attempt = signInAttempt(form);
	const email = String(form.get("email") ?? "").slice(0, MAX_LOGGED_EMAIL_CHARS);
	const counted = await countSignIn(c.env.RATE_LIMITER, readConfig(c.env), c.req.raw, attempt);
	if (!counted.allowed) {
		log.warn("auth.sign_in_limited", { email });
		const minutes = Math.ceil(counted.decision.retryAfterSeconds / 60);
		return failurePage(
			429,
			`Too many failed sign-ins for this account or from this network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
			retryAfter(counted.decision),
		);
	}
	const user = await checkCredentials(openDatabase(c.env.DB), attempt);
	const next = await startForm(oauth, approved.request, approved.headers);
	if (!user) {
		log.warn("auth.sign_in_failed", { email });
		return signInPage(next, { failed: true, email });
	}
	await counted.succeeded();
	await rememberSignIn(c.env.OAUTH_KV, next.handle, user);
	return confirmPage(next, user);
}

/** Allow step: completes the authorization for the account that signed in on this form. */
async function allow(c: AuthorizeContext, oauth: OAuthHelpers, handle: string): Promise<Response> {
	const db = openDatabase(c.env.DB);
	const user = await takeSignIn(db, c.env.OAUTH_KV, handle);
	if (!user) return failurePage(400, "This sign-in expired or no longer works.");
	const approved = await oauth.approveConsent(c.req.raw, handle, { scope: [MCP_SCOPE] });
	const clientId = approved.request.clientId;
	// A grant signed in with an API token records it, and works only while the token does.
	const props: AuthProps = {
		userId: user.userId,
		email: user.email,
		role: user.role,
		credential: { kind: "oauth", id: clientId },
		sessionTimeoutSeconds: await oauthClientTimeout(db, clientId),
		...(user.tokenId === undefined ? {} : { signInTokenId: user.tokenId }),
	};
	const metadata: GrantMetadata = { email: user.email, signInTokenId: user.tokenId ?? null };
	const { redirectTo } = await oauth.completeAuthorization({
		request: approved.request,
		userId: user.userId,
		metadata,
		scope: approved.request.scope,
		props,
	});
	log.info("auth.oauth_granted", { user: user.userId, client: clientId });
	approved.headers.set("Location", redirectTo);
	return new Response(null, { status: 302, headers: approved.headers });
}

/** Deny, on either form: back to the client with `access_denied`. */
async function deny(c: AuthorizeContext, oauth: OAuthHelpers, handle: string): Promise<Response> {
	const denied = await oauth.denyConsent(c.req.raw, handle);
	await forgetSignIn(c.env.OAUTH_KV, handle);
	return new Response(null, { status: 302, headers: denied.headers });
}

/**
 * A form for `request`: what to show of the client, and a new handle bound to
 * this browser. `carried` are cookies to send as well (clearing a used handle's).
 */
async function startForm(
	oauth: OAuthHelpers,
	request: AuthRequest,
	carried?: Headers,
): Promise<ConsentForm> {
	const details = await oauth.describeConsent(request);
	const consent = await oauth.beginConsent(request);
	for (const cookie of carried?.getSetCookie() ?? []) consent.headers.append("Set-Cookie", cookie);
	return { details, handle: consent.handle, headers: consent.headers };
}

function oauthDisabled(): Response {
	return failurePage(
		404,
		"Sign-in is off: this server runs with AUTH_MODE=off on loopback and needs no authorization.",
	);
}

/** Errors are pages here, or redirects to the client only where the library says it is safe. */
function authorizationFailure(error: unknown): Response {
	if (error instanceof AuthorizationError) {
		if (error.redirectTo) return Response.redirect(error.redirectTo, 302);
		return failurePage(400, error.description);
	}
	if (error instanceof CimdFetchError) return failurePage(400, "This app could not be verified.");
	return errorPage(error);
}
