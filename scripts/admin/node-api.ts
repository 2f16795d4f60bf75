/**
 * The few Node APIs the admin command uses, loaded at run time and typed
 * here. The project's tsconfig has no Node types (its code runs in workerd);
 * loading through a specifier held in a variable keeps this file compiling
 * the same whether or not `@types/node` is installed.
 */

/** The error of a failed `execFile`: exit status in `code`, `killed` after a timeout. */
export interface ExecFileError extends Error {
	readonly code?: number | string | null;
	readonly killed?: boolean;
}

/** `child_process.execFile`: runs a program with arguments (no shell) and returns its text output. */
export type ExecFile = (
	file: string,
	args: readonly string[],
	options: { cwd: string; timeout: number; maxBuffer: number },
	callback: (error: ExecFileError | null, stdout: string, stderr: string) => void,
) => unknown;

/** The parts of `process` in use. */
export interface NodeProcess {
	readonly argv: readonly string[];
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly execPath: string;
	exitCode: number | string | undefined;
	cwd(): string;
	readonly stdin: AsyncIterable<string> & {
		readonly isTTY?: boolean;
		setEncoding(encoding: "utf8"): unknown;
	};
	readonly stdout: { write(text: string): boolean };
	readonly stderr: { write(text: string): boolean };
}

/** The Node APIs in use. */
export interface NodeApi {
	readonly execFile: ExecFile;
	/** `fs.createReadStream`: a file's bytes, in chunks. */
	readonly createReadStream: (path: string) => AsyncIterable<Uint8Array>;
	readonly fileURLToPath: (url: string) => string;
	readonly resolvePath: (...paths: string[]) => string;
	readonly process: NodeProcess;
	/** `fs.promises.stat`, for whether a path is a directory. */
	readonly stat: (path: string) => Promise<{ isDirectory(): boolean }>;
	/** `fs.promises.readdir(path, { recursive: true })`: every entry below `path`, relative to it. */
	readonly readdirRecursive: (path: string) => Promise<string[]>;
	/** `path.sep`. */
	readonly pathSeparator: string;
}

/**
 * Loads the Node APIs.
 *
 * @example
 * const { process } = await loadNodeApi();
 */
export async function loadNodeApi(): Promise<NodeApi> {
	const load = (specifier: string): Promise<Record<string, unknown>> => import(specifier);
	const [childProcess, fs, url, path, processModule] = await Promise.all([
		load("node:child_process"),
		load("node:fs"),
		load("node:url"),
		load("node:path"),
		load("node:process"),
	]);
	return {
		execFile: childProcess.execFile as ExecFile,
		createReadStream: fs.createReadStream as NodeApi["createReadStream"],
		fileURLToPath: url.fileURLToPath as NodeApi["fileURLToPath"],
		resolvePath: path.resolve as NodeApi["resolvePath"],
		process: processModule.default as NodeProcess,
		stat: (fs.promises as { stat: NodeApi["stat"] }).stat,
		readdirRecursive: (directory) =>
			(
				fs.promises as {
					readdir: (path: string, options: { recursive: true }) => Promise<string[]>;
				}
			).readdir(directory, { recursive: true }),
		pathSeparator: path.sep as string,
	};
}

/** The URL of the module that calls it (ImportMeta has no `url` without Node or DOM types). */
export function moduleUrl(meta: ImportMeta): string {
	const { url } = meta as { url?: unknown };
	if (typeof url !== "string") throw new Error("import.meta.url is not set; run this with Node");
	return url;
}
