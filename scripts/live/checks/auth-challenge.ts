/**
 * Check 11: without credentials `/mcp` answers 401 with a challenge that names
 * the resource metadata (RFC 9728 §5.1, as the MCP authorization spec asks)
 * and a JSON-RPC error saying how to authenticate, and that document
 * describes this server's `/mcp`.
 */
import { initializeRequest, postMcp } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** Where RFC 9728 puts the metadata of the `/mcp` resource (src/auth/caller.ts). */
const METADATA_PATH = "/.well-known/oauth-protected-resource/mcp";

/** 401 with `WWW-Authenticate: Bearer ... resource_metadata="..."`, no session; the metadata answers 200 naming `/mcp`. */
export const authChallenge: Check<LiveContext> = {
	name: "unauthenticated request gets 401 with the resource-metadata challenge and a body saying how to authenticate; the metadata names /mcp",
	async run({ auth }) {
		const { server } = await auth.get();
		const reply = await postMcp(server.mcpUrl, initializeRequest(1, LIVE_CLIENT));
		const challenge = reply.headers.get("www-authenticate") ?? "";
		expect(reply.status === 401, `initialize without credentials answered ${reply.status}`);
		expect(reply.sessionId === null, `the 401 still opened session ${reply.sessionId}`);
		const message = reply.messages[0]?.error?.message ?? "";
		expect(
			/API token/.test(message) && /OAuth/.test(message),
			`the 401 body does not say how to authenticate: ${JSON.stringify(reply.messages[0])}`,
		);
		const metadataUrl = /^Bearer\b.*\bresource_metadata="([^"]*)"/i.exec(challenge)?.[1];
		expect(metadataUrl, `WWW-Authenticate is ${JSON.stringify(challenge)}`);
		expect(
			metadataUrl === `${server.origin}${METADATA_PATH}`,
			`resource_metadata is ${metadataUrl}, expected ${server.origin}${METADATA_PATH}`,
		);

		const response = await fetch(metadataUrl);
		const text = await response.text();
		expect(response.status === 200, `GET ${METADATA_PATH} answered ${response.status}`);
		const metadata = JSON.parse(text) as { resource?: unknown };
		expect(
			metadata.resource === server.mcpUrl,
			`metadata resource is ${JSON.stringify(metadata.resource)}, expected ${server.mcpUrl}`,
		);
	},
};
