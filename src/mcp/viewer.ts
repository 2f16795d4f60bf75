/**
 * The caller of a tool as the Archon queries see them, in either era: the
 * owner of a legacy session, or the user of a modern request. The role is
 * the one D1 holds at call time, so a promotion or demotion applies at the
 * caller's next call.
 */
import type { Database } from "../db/database";
import { findUser } from "../db/identity-queries";
import type { Viewer } from "../db/visibility";
import { inSession, type ToolContext } from "./tool-context";

/** The viewer of the current call, or undefined when its legacy session has ended. */
export async function viewerOf(db: Database, context: ToolContext): Promise<Viewer | undefined> {
	if (!inSession(context)) {
		// The front door read the role from D1 for this very request (src/auth/authenticate.ts):
		// reading it again would cost a D1 round trip per call and be no fresher.
		const { userId, role } = context.caller;
		return { userId, admin: role === "admin" };
	}
	const session = context.session();
	if (!session) return undefined;
	if (session.userId === null) return { userId: null, admin: false };
	// A session outlives role changes and its record keeps no role, so the role is read per call.
	// The request's principal has it fresh too, but reaches the session object as its owner
	// (user id and email) only; carrying the role there would save this query.
	const user = await findUser(db, session.userId);
	return { userId: session.userId, admin: user?.role === "admin" };
}
