/**
 * The integrity codec of `requestState`: the opaque string a handler returns
 * with `inputRequired(...)` and the client echoes byte for byte when it
 * retries (MCP 2026-07-28 multi-round-trip requests, SEP-2322). It comes back
 * as attacker-controlled input, so it is HMAC-sealed with the Worker secret
 * `REQUEST_STATE_KEY`, bound to the calling user and the method, and expires
 * after `REQUEST_STATE_TTL_SECONDS`. `ServerOptions.requestState.verify`
 * refuses anything else with -32602 before a handler runs, in both eras (the
 * legacy shim re-verifies on every round).
 *
 * The user comes from the `authInfo` each lane hands the MCP SDK with the
 * request (`callerAuthInfo`), so both lanes bind state the same way.
 */
import {
	type AuthInfo,
	createRequestStateCodec,
	type RequestStateCodec,
	type ServerContext,
} from "@modelcontextprotocol/server";
import { JsonRpcCode, McpHttpError } from "../errors";
import { log } from "../log";

/** How long a minted `requestState` stays valid (10 minutes, as long as the legacy shim waits for one answer). */
export const REQUEST_STATE_TTL_SECONDS = 600;

/** Shortest key the codec accepts, in bytes (256 bits). */
const MIN_KEY_BYTES = 32;

// `wrangler types` declares the global `Env` and `Cloudflare.Env` apart, and
// sees secrets only where a `.dev.vars` exists, so both get the secret here.
declare global {
	namespace Cloudflare {
		interface Env {
			/** HMAC key of `requestState`, at least 32 bytes: a Worker secret (README, Configuration). */
			REQUEST_STATE_KEY?: string;
		}
	}
	interface Env {
		/** HMAC key of `requestState`, at least 32 bytes: a Worker secret (README, Configuration). */
		REQUEST_STATE_KEY?: string;
	}
}

/** One codec per key: the key is imported into WebCrypto once per isolate, not per request. */
const codecs = new Map<string, RequestStateCodec>();

/**
 * The `requestState` codec for `env`. Throws, with what to fix, when
 * `REQUEST_STATE_KEY` is missing or shorter than 32 bytes: every server is
 * built through this, so a deployment without the secret fails on its first
 * MCP request instead of minting state nobody can verify.
 *
 * @example
 * const codec = requestStateCodec(env);
 * new McpServer(info, { requestState: { verify: codec.verify } });
 * return inputRequired({ inputRequests, requestState: await codec.mint(payload, ctx) });
 */
export function requestStateCodec(env: Pick<Env, "REQUEST_STATE_KEY">): RequestStateCodec {
	const key = env.REQUEST_STATE_KEY ?? "";
	const cached = codecs.get(key);
	if (cached) return cached;
	if (key === "") {
		throw misconfigured(
			"REQUEST_STATE_KEY is not set. Deployed: `npx wrangler secret put REQUEST_STATE_KEY` with at least 32 random bytes (e.g. `openssl rand -base64 32`). Locally: `npm start` writes one to .dev.vars.",
		);
	}
	if (new TextEncoder().encode(key).byteLength < MIN_KEY_BYTES) {
		throw misconfigured(
			`REQUEST_STATE_KEY must be at least ${MIN_KEY_BYTES} bytes; generate one with \`openssl rand -base64 32\`.`,
		);
	}
	const codec = createRequestStateCodec({
		key,
		ttlSeconds: REQUEST_STATE_TTL_SECONDS,
		bind: bindingOf,
	});
	codecs.set(key, codec);
	return codec;
}

/**
 * A 503 for a server deployed without its secret: what to fix goes to the
 * log (every time, so it cannot be missed), the client reads a generic reason.
 */
function misconfigured(whatToFix: string): McpHttpError {
	log.error("config.invalid", { setting: "REQUEST_STATE_KEY", fix: whatToFix });
	return new McpHttpError(
		503,
		JsonRpcCode.InternalError,
		"Service unavailable: the server is missing required configuration (its log names the setting)",
	);
}

/**
 * What a lane passes to the MCP SDK as `authInfo` for a request of `userId`
 * (null when auth is off). The MCP server never sees credentials: only the
 * verified user travels, for `requestState` binding.
 */
export function callerAuthInfo(userId: string | null): AuthInfo | undefined {
	return userId === null ? undefined : { token: "", clientId: "", scopes: [], extra: { userId } };
}

/** State minted for one user and method verifies only for the same user and method. */
function bindingOf(ctx: ServerContext): string {
	const userId = ctx.http?.authInfo?.extra?.userId;
	return `${ctx.mcpReq.method}\0${typeof userId === "string" ? userId : ""}`;
}
