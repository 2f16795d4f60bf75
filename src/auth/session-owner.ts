/**
 * Turns the verified caller into what a session object checks: its owner and
 * the idle timeout its client asked for, clamped into the server's bounds.
 */
import { clampSessionTimeout, type ServerConfig } from "../config";
import type { SessionOwner } from "../session/session-record";
import type { Principal } from "./principal";

/** The session owner and timeout for a request from `principal` (null when auth is off). */
export function ownerOf(
	principal: Principal | null,
	config: ServerConfig,
): { owner: SessionOwner | null; timeoutSeconds: number } {
	return {
		owner: principal ? { userId: principal.userId, email: principal.email } : null,
		timeoutSeconds: clampSessionTimeout(config, principal?.sessionTimeoutSeconds ?? null),
	};
}
