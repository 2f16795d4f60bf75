/**
 * Runs `npm run admin` in the test Worker: the command's whole context (D1,
 * the server behind `fetch`, files, standard input) comes from the test, and
 * what it prints is collected. Each test file overrides what it is about.
 */
import { env } from "cloudflare:workers";
import type { AdminContext } from "../../scripts/admin/command-types.ts";
import type { D1Row } from "../../scripts/admin/d1-command.ts";
import { runAdmin } from "../../scripts/admin/run-admin.ts";

/** What one run printed and its exit status. */
export interface AdminRun {
	code: number;
	out: string;
	err: string;
}

/**
 * Runs the admin command with `overrides` on a default context: statements
 * run one by one on the test D1, no server, no files, empty standard input.
 */
export async function runAdminWith(
	argv: readonly string[],
	overrides: Partial<AdminContext> = {},
): Promise<AdminRun> {
	const run: AdminRun = { code: -1, out: "", err: "" };
	const context: AdminContext = {
		d1: async (statement) => (await env.DB.prepare(statement.text).all<D1Row>()).results,
		target: { remote: false, persistTo: undefined },
		fetch: async () => {
			throw new Error("no server in this test");
		},
		now: Date.now,
		newId: () => crypto.randomUUID(),
		readStdin: async () => "",
		adminTokenFromEnv: undefined,
		write: (text) => {
			run.out += text;
		},
		openFile: () => {
			throw new Error("no files in this test");
		},
		listFiles: async () => [],
		...overrides,
	};
	run.code = await runAdmin(argv, () => context, {
		out: (text) => {
			run.out += `${text}\n`;
		},
		err: (text) => {
			run.err += `${text}\n`;
		},
	});
	return run;
}

/** `openFile` and `listFiles` over in-memory files named by `/`-separated paths. */
export function inMemoryFiles(
	files: Readonly<Record<string, string>>,
): Pick<AdminContext, "openFile" | "listFiles"> {
	return {
		openFile: (path) => {
			const text = files[path];
			if (text === undefined) throw new Error(`no file ${path}`);
			return new Response(text).body as ReadableStream<Uint8Array>;
		},
		listFiles: async (path) =>
			Object.keys(files)
				.filter((name) => name === path || name.startsWith(`${path}/`))
				.map((name) => ({
					path: name,
					name: name === path ? name.slice(name.lastIndexOf("/") + 1) : name.slice(path.length + 1),
				})),
	};
}
