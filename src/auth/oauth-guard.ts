/**
 * Checks in front of the OAuth provider, for requests it would answer with a
 * 500 or serve without limit:
 *
 * - ids and credentials over `MAX_OAUTH_INPUT_BYTES`: the provider builds KV
 *   keys from them (`client:<client_id>`, `grant:<user>:<grant>` from a code
 *   or token), and KV refuses a key over 512 bytes with an error;
 * - `POST /oauth/register` past `OAUTH_REGISTRATIONS_PER_IP_PER_HOUR`.
 *
 * Each check returns the refusal, or undefined to let the request through.
 */
import type { ServerConfig } from "../config";
import { errorResponse } from "../errors";
import { clientIp, RateCounter, retryAfter } from "../limits/rate-limits";
import { log } from "../log";
import { unauthorized } from "./caller";
import { OAuthPath } from "./oauth-provider";

/**
 * Longest client id, code, token or `Authorization` header passed to the
 * provider (bytes). KV keys are at most 512 bytes and the provider adds at
 * most 72 to an input (`token:`, two `:` and a 64-character hash); ids this
 * server issues are under 100, and Client ID Metadata Document URLs in use
 * are far shorter.
 */
export const MAX_OAUTH_INPUT_BYTES = 400;

/** Fields of a token request the provider turns into KV keys. */
const KEYED_TOKEN_FIELDS = ["client_id", "code", "refresh_token", "token"] as const;

/**
 * The refusal of a request the provider must not see, or undefined.
 *
 * @example
 * const refused = await guardOAuthRequest(request, env, config);
 * if (refused) return refused;
 */
export async function guardOAuthRequest(
	request: Request,
	env: Env,
	config: ServerConfig,
): Promise<Response | undefined> {
	const url = new URL(request.url);
	if (url.pathname === OAuthPath.Mcp || url.pathname.startsWith(`${OAuthPath.Mcp}/`)) {
		return tooLong(request.headers.get("authorization"))
			? errorResponse(unauthorized(request.url, "invalid_token"))
			: undefined;
	}
	if (url.pathname === OAuthPath.Token) return guardTokenRequest(request);
	if (url.pathname === OAuthPath.Register && request.method === "POST") {
		if (config.oauthDcr === "off") return undefined;
		return limitRegistration(request, env, config);
	}
	return undefined;
}

/** True when `value` is longer than `MAX_OAUTH_INPUT_BYTES` in UTF-8. */
export function tooLong(value: string | null | undefined): boolean {
	if (value === null || value === undefined) return false;
	// A UTF-8 character is at most 3 bytes per UTF-16 unit: short strings need no encoding.
	if (value.length * 3 <= MAX_OAUTH_INPUT_BYTES) return false;
	return new TextEncoder().encode(value).byteLength > MAX_OAUTH_INPUT_BYTES;
}

/** The same body an OAuth endpoint answers errors with (RFC 6749 §5.2), never cached. */
export function oauthErrorResponse(
	status: number,
	error: string,
	description: string,
	headers: Record<string, string> = {},
): Response {
	return Response.json(
		{ error, error_description: description },
		{ status, headers: { "Cache-Control": "no-store", ...headers } },
	);
}

async function guardTokenRequest(request: Request): Promise<Response | undefined> {
	if (tooLong(request.headers.get("authorization"))) {
		return oauthErrorResponse(401, "invalid_client", "Client authentication failed");
	}
	if (request.method !== "POST") return undefined;
	// The provider refuses anything but a form itself, with a 400.
	const form = await request
		.clone()
		.formData()
		.catch(() => undefined);
	for (const field of KEYED_TOKEN_FIELDS) {
		if (form?.getAll(field).some((value) => typeof value !== "string" || tooLong(value))) {
			return oauthErrorResponse(400, "invalid_request", `${field} is too long or not text`);
		}
	}
	return undefined;
}

async function limitRegistration(
	request: Request,
	env: Env,
	config: ServerConfig,
): Promise<Response | undefined> {
	const counter = await RateCounter.of(
		env.RATE_LIMITER,
		config,
		"oauth-register-ip",
		clientIp(request),
	);
	const decision = await counter.take();
	if (decision.allowed) return undefined;
	log.warn("oauth.registration_limited", { retryAfterSeconds: decision.retryAfterSeconds });
	return oauthErrorResponse(
		429,
		"temporarily_unavailable",
		`Too many client registrations from this address: at most ${config.oauthRegistrationsPerIpPerHour} per hour`,
		retryAfter(decision),
	);
}
