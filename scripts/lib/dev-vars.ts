/**
 * The local development secrets of `wrangler dev`: `.dev.vars` in the project
 * root (gitignored). `npm start` and `npm run dev:auth` call `ensureDevVars`
 * so a fresh clone serves without setup; a deployment gets its secrets from
 * `wrangler secret put` instead (README, Configuration).
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./wrangler.ts";

/** Where `wrangler dev` reads local secrets from. */
const DEV_VARS = join(PROJECT_ROOT, ".dev.vars");

/** Random bytes of a generated `REQUEST_STATE_KEY` (256 bits, the codec's minimum). */
const KEY_BYTES = 32;

/** A fresh random `REQUEST_STATE_KEY` (base64url), for `.dev.vars` or a throwaway server. */
export function devRequestStateKey(): string {
	return randomBytes(KEY_BYTES).toString("base64url");
}

/**
 * Adds a random `REQUEST_STATE_KEY` to `.dev.vars` unless one is there;
 * returns true when it wrote one. Other lines are left as they are.
 */
export function ensureDevVars(path: string = DEV_VARS): boolean {
	const current = existsSync(path) ? readFileSync(path, "utf8") : "";
	if (/^REQUEST_STATE_KEY\s*=/m.test(current)) return false;
	const separator = current === "" || current.endsWith("\n") ? "" : "\n";
	appendFileSync(path, `${separator}REQUEST_STATE_KEY="${devRequestStateKey()}"\n`, {
		mode: 0o600,
	});
	return true;
}

// `node scripts/lib/dev-vars.ts`, as the npm scripts run it.
if (import.meta.main) {
	if (ensureDevVars()) console.log("Wrote a random REQUEST_STATE_KEY to .dev.vars.");
}
