/**
 * Check 10: a third-party client, the MCP Inspector CLI, lists the tools and
 * calls `health_check` over Streamable HTTP.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { runGroup } from "../../lib/process-group.ts";
import { PROJECT_ROOT } from "../../lib/wrangler.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import type { LiveContext } from "../live-context.ts";

/** The Inspector's launcher (`mcp-inspector` bin) in the pinned devDependency. */
const INSPECTOR_BIN =
	"node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";

/** Longest one Inspector run may take (60 seconds). */
const INSPECTOR_TIMEOUT_MS = 60_000;

/** `tools/list` names `health_check`; `tools/call health_check` reports a healthy server. */
export const inspectorCli: Check<LiveContext> = {
	name: "MCP Inspector CLI lists tools and calls health_check",
	async run(context) {
		const listed = (await inspector(context, ["--method", "tools/list"])) as {
			tools?: Array<{ name?: string }>;
		};
		const names = (listed.tools ?? []).map((tool) => tool.name);
		expect(names.includes("health_check"), `tools/list named ${JSON.stringify(names)}`);

		const called = (await inspector(context, [
			"--method",
			"tools/call",
			"--tool-name",
			"health_check",
		])) as { isError?: boolean; structuredContent?: { status?: string } };
		expect(
			called.isError !== true && called.structuredContent?.status === "healthy",
			`tools/call health_check gave ${JSON.stringify(called).slice(0, 300)}`,
		);
	},
};

/**
 * Runs the Inspector CLI against the server with JSON output and returns the
 * MCP result it printed. Its home (catalog, client config, secrets) is a throwaway
 * directory, so nothing is read from or written to the user's.
 */
async function inspector(context: LiveContext, args: readonly string[]): Promise<unknown> {
	const home = join(context.workDir, "inspector-home");
	mkdirSync(home, { recursive: true });
	const result = await runGroup(
		process.execPath,
		[
			INSPECTOR_BIN,
			"--cli",
			context.server.mcpUrl,
			"--transport",
			"http",
			"--format",
			"json",
			...args,
		],
		{
			cwd: PROJECT_ROOT,
			env: { ...process.env, HOME: home, NO_COLOR: "1" },
			timeoutMs: INSPECTOR_TIMEOUT_MS,
		},
	);
	if (result.code !== 0) {
		const detail = `${result.stderr}\n${result.stdout}`.trim().slice(-400);
		throw new CheckFailure(
			`inspector ${args.join(" ")} ${result.timedOut ? "timed out" : `exited ${result.code}`}: ${detail}`,
		);
	}
	try {
		// `--format json` prints one object: `{ "result": <the MCP result> }`.
		return (JSON.parse(result.stdout) as { result?: unknown }).result ?? {};
	} catch {
		throw new CheckFailure(
			`inspector ${args.join(" ")} printed no JSON: ${result.stdout.slice(0, 300)}`,
		);
	}
}
