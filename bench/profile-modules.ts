/**
 * Where a CPU profile's time went, by part of the system rather than by
 * function: this project's folders under `src/`, each npm package (the MCP
 * SDK, zod, Hono, Drizzle, `agents`), wrangler's dev-only middleware, and
 * the runtime's native work (storage, streams, RPC, V8's GC). A bundle line
 * belongs to the module whose `// path` comment (esbuild writes one before
 * each module) last precedes it; the bundle's text comes from the inspector
 * (`Debugger.getScriptSource`), so no file under `.wrangler/` is guessed at.
 */
import type { DevToolsSession } from "./devtools.ts";

/** What the grouping needs of a profile node. */
export interface ProfiledFrame {
	readonly functionName: string;
	readonly url: string;
	readonly lineNumber: number;
	readonly scriptId?: string;
}

/** Maps a frame to the part of the system it belongs to. */
export type PartOf = (frame: ProfiledFrame) => string;

/** V8's pseudo-frames, kept as they are. */
const V8_FRAMES = new Set(["(program)", "(garbage collector)", "(idle)", "(root)"]);

/** The module comment esbuild writes before each module of a bundle (a path relative to the Worker's config). */
const MODULE_COMMENT = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/;

/** Reads the bundles the profile's frames come from, and returns how to group their frames. */
export async function partsOfProfile(
	session: DevToolsSession,
	frames: readonly ProfiledFrame[],
): Promise<PartOf> {
	const scriptIds = new Set(
		frames
			.filter((frame) => frame.url.startsWith("file://") && frame.scriptId)
			.map((frame) => frame.scriptId as string),
	);
	const modules = new Map<string, (line: number) => string>();
	await session.send("Debugger.enable");
	try {
		for (const scriptId of scriptIds) {
			const { scriptSource } = await session.send<{ scriptSource: string }>(
				"Debugger.getScriptSource",
				{ scriptId },
			);
			modules.set(scriptId, moduleLookup(scriptSource));
		}
	} finally {
		await session.send("Debugger.disable");
	}
	return (frame) => {
		if (V8_FRAMES.has(frame.functionName)) return frame.functionName;
		if (frame.url === "") return "runtime, native (storage, streams, RPC, fetch)";
		if (!frame.url.startsWith("file://")) return "runtime, JavaScript (D1 binding, node compat)";
		const module = frame.scriptId ? modules.get(frame.scriptId)?.(frame.lineNumber) : undefined;
		return module === undefined ? "bundle, no module comment" : partOfModule(module);
	};
}

/** For each 0-based line of `source`, the path of the module it belongs to. */
function moduleLookup(source: string): (line: number) => string {
	const starts: Array<{ line: number; path: string }> = [];
	source.split("\n").forEach((text, line) => {
		const match = MODULE_COMMENT.exec(text);
		if (match?.[1]) starts.push({ line, path: match[1].replace(/^(\.\.\/)+/, "") });
	});
	return (line) => {
		let low = 0;
		let high = starts.length - 1;
		let found = "bundle, before the first module";
		while (low <= high) {
			const middle = (low + high) >> 1;
			const start = starts[middle] as { line: number; path: string };
			if (start.line <= line) {
				found = start.path;
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}
		return found;
	};
}

/**
 * A module path grouped: wrangler's dev middleware, an npm package, a folder
 * of this project's `src/`, or the file itself (the peer Worker's own files).
 */
function partOfModule(path: string): string {
	if (path.startsWith(".wrangler/") || path.startsWith("node_modules/wrangler/")) {
		return "wrangler dev middleware";
	}
	const packages = path.lastIndexOf("node_modules/");
	if (packages >= 0) {
		const [scope, name] = path.slice(packages + "node_modules/".length).split("/");
		return `npm ${scope?.startsWith("@") ? `${scope}/${name}` : scope}`;
	}
	const [top, folder] = path.split("/");
	if (top !== "src" || folder === undefined) return path;
	return folder.endsWith(".ts") ? `src/${folder}` : `src/${folder}/`;
}
