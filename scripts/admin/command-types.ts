/**
 * What every admin command receives and returns. Dependencies come in through
 * `AdminContext`, so the handlers do no I/O of their own and tests can run
 * them against any D1 and any `fetch`.
 */
import type { CommandSpec, FlagSpec } from "./args.ts";
import type { D1Runner, D1Target } from "./d1-command.ts";
import { usageError } from "./errors.ts";
import { checkBearerToken, checkEmail, checkServerUrl } from "./inputs.ts";
import type { ServerAccess } from "./server-api.ts";

/** Everything a command may touch. */
export interface AdminContext {
	/** Runs one statement against the chosen database. */
	readonly d1: D1Runner;
	/** The database `d1` talks to, for messages. */
	readonly target: D1Target;
	/** For the calls to a running server that end live sessions. */
	readonly fetch: typeof fetch;
	/** Current time, epoch milliseconds. */
	readonly now: () => number;
	/** A new id for a user or token. */
	readonly newId: () => string;
	/** Everything on standard input, for `--password-stdin`. */
	readonly readStdin: () => Promise<string>;
	/** `ARCHON_ADMIN_TOKEN` from the environment, if set. */
	readonly adminTokenFromEnv: string | undefined;
	/** Writes to standard output as the command goes, for output too large to hold (an export). */
	readonly write: (text: string) => void;
	/** The bytes of a file, streamed (an import); a missing file fails when read. */
	readonly openFile: (path: string) => AsyncIterable<Uint8Array>;
	/**
	 * The files at `path`: itself when it is a file, else every file below it
	 * (hidden ones and `node_modules` left out), each as a path `openFile`
	 * takes and its name relative to `path` (`/`-separated; a lone file's base name).
	 */
	readonly listFiles: (path: string) => Promise<ReadonlyArray<{ path: string; name: string }>>;
}

/** A command's result: JSON for `--json`, lines of text otherwise. */
export interface CommandOutput {
	readonly json: unknown;
	readonly text: readonly string[];
	/** True when the command wrote its output itself (through `write`): nothing more is printed. */
	readonly streamed?: boolean;
}

/** A command: its spec (flags, help) and what it does. */
export interface AdminCommand {
	readonly spec: CommandSpec;
	readonly run: (
		flags: ReadonlyMap<string, string>,
		context: AdminContext,
	) => Promise<CommandOutput>;
}

/** Most rows a list prints; lists are bounded so a large table cannot flood the terminal. */
export const LIST_LIMIT = 500;

/** Flags every command takes. */
export const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
	json: { description: "print JSON for scripts instead of text" },
	remote: { description: "use the deployed D1 database (needs Cloudflare credentials)" },
	"persist-to": {
		value: "DIR",
		description: "local D1 state directory (default .wrangler/state), as for wrangler dev",
	},
};

/** `--email`, naming the user a command is about. */
export const EMAIL_FLAG: FlagSpec = {
	value: "E",
	description: "the user's email",
	required: true,
	check: checkEmail,
};

/** `--url` of a command that calls a running server's admin API. */
function serverUrlFlag(description: string, required: boolean): FlagSpec {
	return { value: "URL", description, required, check: checkServerUrl };
}

/** `--admin-token`, the admin's API token for `--url`. */
const ADMIN_TOKEN_FLAG: FlagSpec = {
	value: "T",
	description: "an admin's API token for --url (prefer env ARCHON_ADMIN_TOKEN)",
	check: checkBearerToken,
};

/** Flags of the commands that can end live sessions and revoke grants through a running server. */
export const SERVER_FLAGS: Readonly<Record<string, FlagSpec>> = {
	url: serverUrlFlag(
		"base URL of the running server, to end live sessions and revoke OAuth grants now",
		false,
	),
	"admin-token": ADMIN_TOKEN_FLAG,
};

/** Flags of the commands that only the running server can carry out (OAuth grants live in its provider's storage). */
export const REQUIRED_SERVER_FLAGS: Readonly<Record<string, FlagSpec>> = {
	url: serverUrlFlag("base URL of the running server (it keeps the OAuth grants)", true),
	"admin-token": ADMIN_TOKEN_FLAG,
};

/** A flag the parser has already required; absent means a bug in a spec. */
export function requiredFlag(flags: ReadonlyMap<string, string>, name: string): string {
	const value = flags.get(name);
	if (value === undefined) throw new Error(`--${name} missing after parsing`);
	return value;
}

/**
 * The server to call from `--url` and `--admin-token` (or `ARCHON_ADMIN_TOKEN`),
 * or undefined without `--url`. Throws a usage error for half a setting.
 */
export function serverAccess(
	flags: ReadonlyMap<string, string>,
	context: AdminContext,
	usage: string,
): ServerAccess | undefined {
	const baseUrl = flags.get("url");
	const flagToken = flags.get("admin-token");
	if (baseUrl === undefined) {
		if (flagToken !== undefined) throw usageError("--admin-token needs --url", usage);
		return undefined;
	}
	const adminToken = flagToken ?? context.adminTokenFromEnv;
	if (adminToken === undefined || adminToken === "") {
		throw usageError(
			"--url needs an admin token: set ARCHON_ADMIN_TOKEN or pass --admin-token",
			usage,
		);
	}
	const problem = checkBearerToken(adminToken);
	if (problem !== undefined) throw usageError(`ARCHON_ADMIN_TOKEN ${problem}`, usage);
	return { baseUrl, adminToken };
}
