/**
 * CORS for every route of the app. Only origins that passed the origin check
 * in the Worker entry get here (`origin.ts`), so the request's own `Origin` is
 * echoed. A preflight is answered here; any other response gets its headers
 * after the route built it, in place (`response-headers.ts`): Hono's `cors()`
 * touched `c.res` before the route ran and again after, so each response was
 * copied twice, a streamed one rewrapped each time.
 */
import type { MiddlewareHandler } from "hono";
import { ALLOWED_REQUEST_HEADERS, EXPOSED_HEADERS } from "../mcp/protocol";
import { withHeaders } from "./response-headers";

/** Methods a browser may use cross-origin. */
const ALLOWED_METHODS = "GET,POST,DELETE,OPTIONS";

/** How long a browser may cache a preflight (10 minutes). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The CORS middleware. */
export function cors(): MiddlewareHandler {
	const exposed = EXPOSED_HEADERS.join(",");
	const allowed = ALLOWED_REQUEST_HEADERS.join(",");
	return async (c, next) => {
		const origin = c.req.header("origin");
		if (c.req.method === "OPTIONS") {
			const headers = new Headers({
				"Access-Control-Allow-Methods": ALLOWED_METHODS,
				"Access-Control-Allow-Headers": allowed,
				"Access-Control-Expose-Headers": exposed,
				"Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
				Vary: "Origin, Access-Control-Request-Headers",
			});
			if (origin) headers.set("Access-Control-Allow-Origin", origin);
			c.res = new Response(null, { status: 204, headers });
			return;
		}
		await next();
		const decorated = withHeaders(c.res, (headers) => {
			headers.append("Vary", "Origin");
			if (!origin) return;
			headers.set("Access-Control-Allow-Origin", origin);
			headers.set("Access-Control-Expose-Headers", exposed);
		});
		// Assigning `c.res` copies the response again; only a copy made above needs it.
		if (decorated !== c.res) c.res = decorated;
	};
}
