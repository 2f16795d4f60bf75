/**
 * `npm run test:browser`: OAuth sign-in on `/authorize` and the dashboard in a
 * real browser, Debian's Chromium driven by playwright-core. Starts `wrangler dev` with auth
 * required on a free loopback port with throwaway state, a user with a
 * password and an API token made by the admin command, and a local callback
 * server for the client's redirect URI. Prints `PASS <name>` / `FAIL <name>:
 * reason` and `N passed, N failed`, exits non-zero on any failure, and saves
 * screenshots of every page at desktop and phone widths in `.browser-shots/`.
 *
 * What this proves that the workerd tests cannot: the headers a browser sends
 * by itself (`Origin` with the form's POST) and the policies it enforces
 * (CSP `form-action` on the redirect after the form, `script-src 'self'` on
 * the dashboard, its `__Host-` cookies on loopback), that the dashboard's
 * script draws what D1 holds (`dashboard-checks.ts`), and that a page on
 * another origin can call `/mcp` through Chromium's own CORS preflights
 * (`mcp-cors-checks.ts`).
 */
import { DevServer } from "../lib/dev-server.ts";
import { provision } from "../live/auth-server.ts";
import { CheckRunner } from "../live/check-runner.ts";
import { launchChromium, resetShots, SHOTS_DIR } from "./browser.ts";
import { CallbackServer } from "./callback-server.ts";
import { adminDashboard, memberDashboard } from "./dashboard-checks.ts";
import { crossOriginMcpClient } from "./mcp-cors-checks.ts";
import {
	denyReachesCallback,
	foreignOriginRefused,
	invalidRequestPage,
	passwordSignIn,
	tokenSignIn,
	wrongPasswordThenRetry,
} from "./sign-in-checks.ts";
import type { BrowserContext, SignInUser } from "./sign-in-flow.ts";

/** Hard limit for the whole suite, start-up included (5 minutes). */
const SUITE_DEADLINE_MS = 300_000;

/** The checks, in order. */
const CHECKS = [
	passwordSignIn,
	tokenSignIn,
	wrongPasswordThenRetry,
	denyReachesCallback,
	foreignOriginRefused,
	invalidRequestPage,
	adminDashboard,
	memberDashboard,
	crossOriginMcpClient,
] as const;

/** The user who signs in; the admin command adds her with this password and creates her a token. */
const ALICE = {
	email: "alice@example.com",
	name: "Alice Browser",
	role: "member",
	password: "correct horse battery staple",
} as const;

/** The admin who reads the dashboard. */
const ADMIN = {
	email: "ada@example.com",
	name: "Ada Admin",
	role: "admin",
	password: "analytical engine notes",
} as const;

async function main(): Promise<number> {
	const runner = new CheckRunner<BrowserContext>(CHECKS);
	const deadline = setTimeout(() => {
		runner.abort(`suite deadline of ${SUITE_DEADLINE_MS / 1000} s passed`);
		// The exit handlers of scripts/lib stop the server; Playwright kills its browser on exit.
		process.exit(1);
	}, SUITE_DEADLINE_MS);
	// On Ctrl-C or a deadline `finally` does not run; the report still closes.
	process.once("exit", () => runner.abort("interrupted"));
	resetShots();
	const [server, browser, callback] = await Promise.allSettled([
		DevServer.start({ label: "archon-browser" }),
		launchChromium(),
		CallbackServer.start(),
	]);
	try {
		if (
			server.status === "rejected" ||
			browser.status === "rejected" ||
			callback.status === "rejected"
		) {
			const reasons = [server, browser, callback].flatMap((started) =>
				started.status === "rejected" ? [reasonOf(started.reason)] : [],
			);
			runner.abort(`set-up failed: ${reasons.join("; ")}`);
			return 1;
		}
		console.log(
			`wrangler dev (auth required) pid ${server.value.pid} on ${server.value.origin}; chromium ${browser.value.version()}; callback on ${callback.value.origin}`,
		);
		let alice: SignInUser;
		let admin: SignInUser;
		try {
			const made = await provision(server.value, ALICE);
			alice = { email: made.email, password: ALICE.password, token: made.token };
			const boss = await provision(server.value, ADMIN);
			admin = { email: boss.email, password: ADMIN.password, token: boss.token };
		} catch (error) {
			runner.abort(`the admin command failed: ${reasonOf(error)}`);
			return 1;
		}
		const { failed } = await runner.run({
			server: server.value,
			browser: browser.value,
			callback: callback.value,
			alice,
			admin,
		});
		console.log(`screenshots in ${SHOTS_DIR}`);
		if (failed > 0) console.error(`server log (last lines):\n${server.value.logTail()}`);
		return failed === 0 ? 0 : 1;
	} finally {
		await Promise.all([
			browser.status === "fulfilled" ? browser.value.close() : undefined,
			callback.status === "fulfilled" ? callback.value.dispose() : undefined,
			server.status === "fulfilled" ? server.value.dispose() : undefined,
		]);
		clearTimeout(deadline);
	}
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

process.exitCode = await main();
