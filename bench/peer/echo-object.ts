/**
 * The Worker → Durable Object echo: one SQLite-backed object per session name
 * that returns what it is sent over RPC, touching no storage. Any design with a
 * Durable Object per session pays at least this round trip, so it is the
 * ceiling of the project's legacy lane.
 */
import { DurableObject } from "cloudflare:workers";

/** Echoes the body it is given. */
export class EchoObject extends DurableObject {
	/** Returns `body` unchanged. */
	echo(body: string): string {
		return body;
	}
}
