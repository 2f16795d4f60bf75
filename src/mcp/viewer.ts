/**
 * The caller of a tool as the Archon queries see them, in either era: the
 * owner of a legacy session, or the user of a modern request. The role is
 * the one the front door read from D1 for the request (src/auth/), so a
 * promotion or demotion applies at the caller's next call, and a tool call
 * costs no D1 round trip of its own to learn it.
 */
import type { Viewer } from "../db/visibility";
import { inSession, type ToolContext } from "./tool-context";

/** The viewer of the current call, or undefined when its legacy session has ended. */
export function viewerOf(context: ToolContext): Viewer | undefined {
	if (!inSession(context)) {
		const { userId, role } = context.caller;
		return { userId, admin: role === "admin" };
	}
	const session = context.session();
	if (!session) return undefined;
	if (session.userId === null) return { userId: null, admin: false };
	return { userId: session.userId, admin: context.role() === "admin" };
}
