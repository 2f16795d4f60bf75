/**
 * Issue 9: a 2025-11-25 client (the official SDK v2 client, default era)
 * completes the same elicitation through its session: the server's
 * `elicitation/create` arrives on the tool call's stream, the client answers
 * in another POST of the session, and the waiting call returns the answer.
 */
import { type Check, expect } from "../check-runner.ts";
import type { LiveContext } from "../live-context.ts";
import { connectSdkClient, ELICITED, firstText } from "../mcp-sdk-client.ts";

export const legacyElicitation: Check<LiveContext> = {
	name: "2025-11-25 client (SDK v2) completes an elicitation through its session",
	async run({ server }) {
		const { client, transport } = await connectSdkClient(server.mcpUrl, "legacy");
		try {
			expect(client.getProtocolEra() === "legacy", `era ${client.getProtocolEra()}, not legacy`);
			expect(transport.sessionId, "no session id after initialize");
			const answered = await client.callTool({
				name: "test_elicitation",
				arguments: { message: "Who is calling?" },
			});
			const text = firstText(answered);
			expect(
				text.includes("action=accept") && text.includes(ELICITED.username),
				`elicitation result was "${text}"`,
			);
		} finally {
			await client.close().catch(() => undefined);
		}
	},
};
