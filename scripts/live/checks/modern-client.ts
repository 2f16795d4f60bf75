/**
 * Issue 9: a 2026-07-28 client, the official SDK v2 client pinned to that
 * revision, calls the server's own tools (the project tools are the agent
 * check's, `archon-agent.ts`) and completes an elicitation round trip
 * (`input_required`, then the retry with its answer) with no session, and
 * each call lands in D1 as a modern request row.
 */
import { pollD1 } from "../../lib/d1.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import { type LiveContext, MIRROR_TIMEOUT_MS } from "../live-context.ts";
import { connectSdkClient, ELICITED, firstText } from "../mcp-sdk-client.ts";

/** The server's tools that need no arguments; the conformance fixtures (`test_*`) are not the product. */
const ARCHON_TOOLS = ["health_check", "session_info"] as const;

export const modernClient: Check<LiveContext> = {
	name: "2026-07-28 client (SDK v2) calls health_check and session_info and completes an elicitation, sessionless",
	async run({ server }) {
		const { client, transport } = await connectSdkClient(server.mcpUrl, "modern");
		try {
			expect(client.getProtocolEra() === "modern", `era ${client.getProtocolEra()}, not modern`);
			const listed = (await client.listTools()).tools.map((tool) => tool.name);
			for (const name of ARCHON_TOOLS) {
				expect(listed.includes(name), `tools/list lacks ${name}`);
				const result = await client.callTool({ name, arguments: {} });
				expect(result.isError !== true, `${name} returned a tool error: ${firstText(result)}`);
			}
			const answered = await client.callTool({
				name: "test_elicitation",
				arguments: { message: "Who is calling?" },
			});
			const text = firstText(answered);
			expect(
				text.includes("action=accept") && text.includes(ELICITED.email),
				`elicitation result was "${text}"`,
			);
			expect(transport.sessionId === undefined, `a session id was minted: ${transport.sessionId}`);
		} finally {
			await client.close().catch(() => undefined);
		}
		// Rows are written after the responses, off the response path.
		const wanted = [...ARCHON_TOOLS, "test_elicitation"];
		const { rows, accepted } = await pollD1(
			server.persistDir,
			"SELECT method, tool_name FROM archon_mcp_requests WHERE era = 'modern' AND client_name = 'archon-live-sdk-modern'",
			(found) => wanted.every((tool) => found.some((row) => row.tool_name === tool)),
			MIRROR_TIMEOUT_MS,
		);
		if (!accepted) throw new CheckFailure(`modern request rows: ${JSON.stringify(rows)}`);
	},
};
