/**
 * The switch for the conformance fixtures (issue 4): the Worker variable
 * `CONFORMANCE`, set to `"on"` only by `conformance/run.ts` (`wrangler dev
 * --var CONFORMANCE:on`). It is deliberately absent from wrangler.toml, so a
 * deployment never offers the fixtures.
 */
import type { ServerCapabilities } from "@modelcontextprotocol/server";

// `wrangler types` declares the global `Env` (what `ToolContext.env` is) and
// `Cloudflare.Env` (what `cloudflare:workers` and tests see) apart, so both get the variable.
declare global {
	namespace Cloudflare {
		interface Env {
			/** `"on"` registers the conformance fixtures; anything else (or absent) leaves them out. */
			CONFORMANCE?: string;
		}
	}
	interface Env {
		/** `"on"` registers the conformance fixtures; anything else (or absent) leaves them out. */
		CONFORMANCE?: string;
	}
}

/** The one value of `CONFORMANCE` that turns the fixtures on. */
export const CONFORMANCE_ON = "on";

/**
 * Capabilities the fixtures add to the server's own (`tools`, `logging`):
 * resources with subscriptions, prompts, and argument completion; tool and
 * prompt list changes, which the 2026-07-28 listen streams deliver when a
 * trigger fixture publishes one.
 */
export const CONFORMANCE_CAPABILITIES = {
	tools: { listChanged: true },
	resources: { subscribe: true },
	prompts: { listChanged: true },
	completions: {},
} as const satisfies ServerCapabilities;

/** Whether `env` asks for the conformance fixtures. */
export function conformanceFixturesOn(env: Pick<Env, "CONFORMANCE">): boolean {
	return env.CONFORMANCE === CONFORMANCE_ON;
}
