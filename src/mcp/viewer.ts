/**
 * The caller of a tool as the Archon queries see them, in either era: the
 * owner of a legacy session, or the user of a modern request. The role is
 * read from D1 at call time, so a change of role takes effect at once.
 */
import type { Database } from "../db/database";
import { findUser } from "../db/identity-queries";
import type { Viewer } from "../db/visibility";
import { inSession, type ToolContext } from "./tool-context";

/** The viewer of the current call, or undefined when its legacy session has ended. */
export async function viewerOf(db: Database, context: ToolContext): Promise<Viewer | undefined> {
	let userId: string | null;
	if (inSession(context)) {
		const session = context.session();
		if (!session) return undefined;
		userId = session.userId;
	} else {
		userId = context.caller.userId;
	}
	if (userId === null) return { userId: null, admin: false };
	const user = await findUser(db, userId);
	return { userId, admin: user?.role === "admin" };
}
