/**
 * What a tool may use while it runs: the Worker's bindings and the session
 * it is called in. Passed in, so tools stay testable and free of globals.
 */
import type { SessionRecord } from "../session/session-record";

/** Dependencies handed to every tool. */
export interface ToolContext {
	readonly env: Env;
	/** The current record of the calling session (read at call time, so counts are fresh). */
	readonly session: () => SessionRecord | undefined;
}
