/**
 * `npm run admin -- <command>`: manage users, API tokens and OAuth client
 * settings directly in D1. See docs/admin.md.
 *
 * Runs on Node 24 (the `node` devDependency), which strips the TypeScript
 * types itself; hence `.ts` imports and erasable syntax only.
 */
import type { AdminContext } from "./command-types.ts";
import { createD1Runner } from "./d1.ts";
import type { D1Target } from "./d1-command.ts";
import { usageError } from "./errors.ts";
import { loadNodeApi, moduleUrl, type NodeApi } from "./node-api.ts";
import { runAdmin } from "./run-admin.ts";

const node = await loadNodeApi();
const { process } = node;

/** The repository root: wrangler runs from here, wherever the command was started. */
const PROJECT_ROOT = node.fileURLToPath(new URL("../../", moduleUrl(import.meta)).href);

/** Everything on standard input; refuses a terminal, where the password would be echoed. */
async function readStdin(): Promise<string> {
	if (process.stdin.isTTY) {
		throw usageError(
			`--password-stdin reads a pipe, not the terminal: printf '%s' "$PASSWORD" | npm run admin -- ...`,
		);
	}
	let text = "";
	process.stdin.setEncoding("utf8");
	for await (const chunk of process.stdin) text += chunk;
	return text;
}

function makeContext(api: NodeApi, target: D1Target): AdminContext {
	// npm runs scripts from the project root; a relative --persist-to means the caller's directory.
	const callerDirectory = api.process.env.INIT_CWD ?? api.process.cwd();
	const persistTo =
		target.persistTo === undefined ? undefined : api.resolvePath(callerDirectory, target.persistTo);
	const resolved = { remote: target.remote, persistTo };
	return {
		d1: createD1Runner(api, PROJECT_ROOT, resolved),
		target: resolved,
		fetch,
		now: Date.now,
		newId: () => crypto.randomUUID(),
		readStdin,
		adminTokenFromEnv: api.process.env.ARCHON_ADMIN_TOKEN,
		write: (text) => api.process.stdout.write(text),
		openFile: (path) => api.createReadStream(api.resolvePath(callerDirectory, path)),
		listFiles: (path) => listFiles(api, api.resolvePath(callerDirectory, path)),
	};
}

/** The files at `root` (see `AdminContext.listFiles`), sorted by name. */
async function listFiles(
	api: NodeApi,
	root: string,
): Promise<Array<{ path: string; name: string }>> {
	if (!(await api.stat(root)).isDirectory()) {
		return [{ path: root, name: root.split(api.pathSeparator).at(-1) ?? root }];
	}
	const files: Array<{ path: string; name: string }> = [];
	for (const entry of await api.readdirRecursive(root)) {
		const parts = entry.split(api.pathSeparator);
		if (parts.some((part) => part.startsWith(".") || part === "node_modules")) continue;
		const path = api.resolvePath(root, entry);
		if (!(await api.stat(path)).isDirectory()) files.push({ path, name: parts.join("/") });
	}
	return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

try {
	process.exitCode = await runAdmin(process.argv.slice(2), (target) => makeContext(node, target), {
		out: (text) => process.stdout.write(`${text}\n`),
		err: (text) => process.stderr.write(`${text}\n`),
	});
} catch (error) {
	process.stderr.write("admin: unexpected error (a bug, please report it):\n");
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
	process.exitCode = 1;
}
