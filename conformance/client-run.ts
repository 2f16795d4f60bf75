/**
 * `npm run test:conformance:client`: the official MCP conformance suite's
 * client scenarios against Archon's client library, through the driver in
 * `client-driver.ts` (which imports the built `dist/client`; the npm script
 * builds it first). Runs `--requirements 2025-11-25` and
 * `--requirements 2026-07-28` with no expected failures: every scenario a
 * revision requires must pass. The suite starts its own mock servers and
 * authorization servers on loopback ports; nothing else is started.
 *
 * Extra arguments run the suite once with them instead, e.g.
 * `npm run test:conformance:client -- --scenario sse-retry`.
 */
import { runCustom, runRequirementSets } from "./requirement-run.ts";

/** How the suite starts the client under test; it appends the server URL. */
const DRIVER_COMMAND = "node conformance/client-driver.ts";

const target = { role: "client", args: ["--command", DRIVER_COMMAND] } as const;
const extra = process.argv.slice(2);
process.exitCode =
	extra.length > 0 ? await runCustom(target, extra) : await runRequirementSets(target);
