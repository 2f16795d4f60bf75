/**
 * The frame of every Archon tool call: open D1, resolve the caller, and turn
 * a refusal (`ToolRefusal`) into the tool-level error a model reads.
 */
import type { CallToolResult } from "@modelcontextprotocol/server";
import { type Database, openDatabase } from "../db/database";
import type { Viewer } from "../db/visibility";
import type { ToolContext } from "../mcp/tool-context";
import { errorResult, jsonResult } from "../mcp/tool-result";
import { viewerOf } from "../mcp/viewer";

/** A call the tool declines with a message for the model (not found, read-only, missing argument). */
export class ToolRefusal extends Error {}

/** What an Archon tool body gets. */
export interface ArchonCall {
	readonly db: Database;
	readonly viewer: Viewer;
	readonly now: number;
}

/**
 * Runs `body` for the caller of `context` and returns its data as a JSON
 * result, or its refusal as an error result. Anything else propagates, so
 * the server answers it as an internal error and logs it.
 */
export async function archonCall(
	context: ToolContext,
	body: (call: ArchonCall) => Promise<Record<string, unknown>>,
): Promise<CallToolResult> {
	const db = openDatabase(context.env.DB);
	const viewer = viewerOf(context);
	if (!viewer) return errorResult("This session has ended.");
	try {
		return jsonResult(await body({ db, viewer, now: Date.now() }));
	} catch (error) {
		if (error instanceof ToolRefusal) return errorResult(error.message);
		throw error;
	}
}

/** `value`, or a refusal saying `argument` is required for `purpose`. */
export function required<T>(value: T | undefined, argument: string, purpose: string): T {
	if (value === undefined) throw new ToolRefusal(`${argument} is required to ${purpose}.`);
	return value;
}

/** Annotations of the tools that only read: the same call answers the same. */
export const READ_ANNOTATIONS = {
	readOnlyHint: true,
	destructiveHint: false,
	idempotentHint: true,
	openWorldHint: false,
} as const;

/** Annotations of the `manage_*` tools: they write, and delete or restore can lose data. */
export const WRITE_ANNOTATIONS = {
	readOnlyHint: false,
	destructiveHint: true,
	idempotentHint: false,
	openWorldHint: false,
} as const;

/** The fields of `changes` that were passed (not undefined); refuses an update that passes none. */
export function changesOf<T extends Record<string, unknown>>(
	changes: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
	const passed = Object.fromEntries(
		Object.entries(changes).filter(([, value]) => value !== undefined),
	) as { [K in keyof T]?: Exclude<T[K], undefined> };
	if (Object.keys(passed).length === 0) {
		throw new ToolRefusal(
			`Nothing to update: pass at least one of ${Object.keys(changes).map(snakeCase).join(", ")}.`,
		);
	}
	return passed;
}

function snakeCase(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
