/**
 * The `wrangler dev` servers a benchmark run needs, each on its own free
 * loopback port with throwaway state and wrangler's `--log-level warn`.
 */
import {
	ANONYMOUS_LOOPBACK_VARS,
	DevServer,
	type DevServerOptions,
} from "../scripts/lib/dev-server.ts";

/** Which server a target runs against. */
export type ServerRole = "project" | "untracked" | "auth" | "peer";

/**
 * The project with its conformance fixtures on (`CONFORMANCE=on`), so that
 * `test_simple_text` exists, for anonymous loopback clients. Its `LOG_LEVEL`
 * matches wrangler's `--log-level warn`, which prints no info line: without
 * it every request would build its `mcp.request` line and ship it to wrangler
 * to be dropped there, about 1 ms of CPU per request (bench/README.md).
 */
const PROJECT_VARS: Readonly<Record<string, string>> = {
	...ANONYMOUS_LOOPBACK_VARS,
	CONFORMANCE: "on",
	LOG_LEVEL: "warn",
};

/** How each server is started. */
const SERVER_OPTIONS: Readonly<Record<ServerRole, DevServerOptions>> = {
	project: { label: "archon-bench", vars: PROJECT_VARS, logLevel: "warn" },
	// A bench-only switch the server reads to skip request tracking; never set in production.
	untracked: {
		label: "archon-bench-untracked",
		vars: { ...PROJECT_VARS, BENCH_TRACKING: "off" },
		logLevel: "warn",
	},
	// Authentication required, as deployed: every request carries an API token, verified in D1,
	// and is counted by its user's rate limiter (set high enough never to refuse the bench).
	auth: {
		label: "archon-bench-auth",
		vars: { CONFORMANCE: "on", LOG_LEVEL: "warn", MCP_RATE_LIMIT_PER_MINUTE: "1000000" },
		logLevel: "warn",
	},
	peer: {
		label: "archon-bench-peer",
		config: "bench/peer/wrangler.toml",
		readyPath: "/bare",
		logLevel: "warn",
	},
};

/** The Worker variables a role's server runs with, for the results file. */
export function serverVars(role: ServerRole): Readonly<Record<string, string>> {
	return SERVER_OPTIONS[role].vars ?? {};
}

/**
 * Starts the servers of `roles` side by side, each with `vars` on top of its
 * own; if one fails, stops the others and throws its error.
 */
export async function startServers(
	roles: ReadonlySet<ServerRole>,
	vars: Readonly<Record<string, string>> = {},
): Promise<Map<ServerRole, DevServer>> {
	const started = await Promise.allSettled(
		[...roles].map(async (role) => {
			const options = SERVER_OPTIONS[role];
			const server = await DevServer.start({ ...options, vars: { ...options.vars, ...vars } });
			return [role, server] as const;
		}),
	);
	const servers = new Map<ServerRole, DevServer>();
	for (const outcome of started) {
		if (outcome.status === "fulfilled") servers.set(...outcome.value);
	}
	const failure = started.find((outcome) => outcome.status === "rejected");
	if (failure) {
		await stopServers(servers);
		throw failure.reason;
	}
	return servers;
}

/** Stops every server and deletes its state. */
export async function stopServers(servers: ReadonlyMap<ServerRole, DevServer>): Promise<void> {
	await Promise.all([...servers.values()].map((server) => server.dispose()));
}
