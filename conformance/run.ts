/**
 * `npm run test:conformance`: the official MCP conformance suite
 * (`@modelcontextprotocol/conformance`, server scenarios) against a real
 * `wrangler dev`. Starts its own server on a free loopback port with
 * throwaway state and the fixtures on (`CONFORMANCE=on`), then runs both
 * requirement sets, `--requirements 2025-11-25` (the session lane) and
 * `--requirements 2026-07-28` (the modern lane), with no expected failures:
 * every scenario a revision requires must pass. Extension and pending
 * scenarios, which the suite runs alongside, are printed as informational.
 * Prints a line per scenario and closes with `N passed, N failed`; exits
 * non-zero on any failure of a required scenario (see requirement-run.ts).
 *
 * Extra arguments run the suite once with them instead, e.g.
 * `npm run test:conformance -- --scenario tools-list`.
 */
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../scripts/lib/dev-server.ts";
import { runCustom, runRequirementSets } from "./requirement-run.ts";

/**
 * Worker variables of the server under test: anonymous loopback clients, and
 * the conformance fixtures (`src/mcp/conformance/`), which only this variable turns on.
 */
const SERVER_VARS: Readonly<Record<string, string>> = {
	...ANONYMOUS_LOOPBACK_VARS,
	CONFORMANCE: "on",
};

async function main(): Promise<number> {
	const server = await DevServer.start({ label: "archon-conformance", vars: SERVER_VARS });
	try {
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		const target = { role: "server", args: ["--url", server.mcpUrl] } as const;
		const extra = process.argv.slice(2);
		if (extra.length > 0) return await runCustom(target, extra);
		return await runRequirementSets(target);
	} finally {
		await server.dispose();
	}
}

process.exitCode = await main();
