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
	const viewer = await viewerOf(db, context);
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
