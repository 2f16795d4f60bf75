/**
 * What every live check gets: the running servers and the suite's settings.
 */
import type { DevServer } from "../lib/dev-server.ts";
import type { ClientInfo } from "../lib/mcp-http.ts";
import type { AuthServerFixture } from "./auth-server.ts";

/** Idle timeout the suite starts the server with (the server's minimum, 10 seconds). */
export const LIVE_SESSION_TIMEOUT_SECONDS = 10;

/** How long to wait for the background D1 mirror to show a change (10 seconds). */
export const MIRROR_TIMEOUT_MS = 10_000;

/** The client the suite's raw requests introduce themselves as: a name in no client table. */
export const LIVE_CLIENT: ClientInfo = { name: "archon-live-suite", version: "4.0.0-live" };

/** The client type of a name the server's table does not know (src/session/client-type.ts); the raw name is kept. */
export const LIVE_CLIENT_TYPE = "Other";

/** Shared by the checks of one run. */
export interface LiveContext {
	/** The server with auth off for loopback clients (anonymous requests), 10 s idle timeout. */
	readonly server: DevServer;
	/** The server with auth required and its users, for the authentication checks. */
	readonly auth: AuthServerFixture;
	/** A temporary directory for files the checks write (e.g. the Inspector's home); removed after the run. */
	readonly workDir: string;
}
