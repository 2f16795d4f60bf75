/**
 * Using the Archon MCP client against a running server, in both eras.
 *
 *   npm start          # in one terminal: the server on http://127.0.0.1:8787/mcp
 *   npm run example    # in another: builds dist/ and runs this file
 *
 * Set ARCHON_MCP_URL to point it elsewhere and ARCHON_TOKEN to send a bearer token
 * (a server with AUTH_MODE=required answers 401 without one). To see the
 * elicitation handler answer a tool, start the server with the conformance
 * fixtures: `npm run dev -- --var CONFORMANCE:on`.
 * It imports the package by name, as an application would; Node resolves that
 * to the built `dist/client` through the package's own `exports`.
 */
import {
	checkMcpHealth,
	type ElicitationHandler,
	isMCPClientError,
	MCPClient,
	MCPClientError,
	type TokenProvider,
} from "archon-mcp-edge/client";

const url = process.env.ARCHON_MCP_URL ?? "http://127.0.0.1:8787/mcp";

/**
 * A token provider. Here the token comes from the environment; a real
 * application reads it from wherever it is rotated (a vault, a file an agent
 * refreshes). The client calls it before its first request and once more
 * after a 401, one call for all the requests that failed together.
 */
const getToken: TokenProvider | undefined = process.env.ARCHON_TOKEN
	? async () => process.env.ARCHON_TOKEN ?? ""
	: undefined;

/**
 * An elicitation handler: the server asks for a form in the middle of a call.
 * A real application shows `request.message` and a form built from
 * `request.requestedSchema`; this one answers from a canned profile.
 */
const onElicitation: ElicitationHandler = (request, context) => {
	console.log(`  the server asks (${context.era} era): ${request.message}`);
	return { action: "accept", content: { username: "ada", email: "ada@example.com" } };
};

if (!(await checkMcpHealth(url))) {
	console.error(`No healthy Archon MCP server at ${url}. Start one with \`npm start\`.`);
	process.exit(1);
}

try {
	await negotiated();
	await sessions();
} catch (error) {
	if (isMCPClientError(error, "UNAUTHORIZED")) {
		console.error(
			`The server wants a bearer token (metadata: ${error.resourceMetadataUrl ?? "none"}): set ARCHON_TOKEN, or run it with AUTH_MODE=off.`,
		);
		process.exit(1);
	}
	throw error;
}

/** The default, `protocol: "auto"`: Archon answers `server/discover`, so this is 2026-07-28. */
async function negotiated(): Promise<void> {
	await using client = new MCPClient({
		url,
		getToken,
		onElicitation,
		clientName: "archon-client-example",
		logger: console,
	});

	const tools = await client.listTools();
	console.log(`era: ${client.protocolEra}; tools: ${tools.map((tool) => tool.name).join(", ")}`);

	const info = await client.callTool("session_info");
	console.log("session_info:", info.structuredContent);

	// A tool that asks the user something: the handler answers, in whichever era.
	if (tools.some((tool) => tool.name === "test_elicitation")) {
		const answer = await client.callTool("test_elicitation", { message: "Who are you?" });
		console.log("test_elicitation:", answer.content[0]);
	}

	// An unknown tool is a protocol error (JSON-RPC -32602). A tool that fails answers with
	// `isError: true`, returned like any result unless you pass `throwOnToolError` (then TOOL).
	try {
		await client.callTool("no_such_tool", {}, { throwOnToolError: true });
	} catch (error) {
		if (!(error instanceof MCPClientError)) throw error;
		console.log(`no_such_tool: ${error.code} ${error.rpcCode ?? ""} ${error.message}`);
	}
}

/** `protocol: "legacy"`: the 2025 era, with a session that survives expiry and restarts. */
async function sessions(): Promise<void> {
	// `await using` closes the session (HTTP DELETE) when this function returns or throws.
	await using client = new MCPClient({
		url,
		protocol: "legacy",
		getToken,
		onElicitation,
		clientName: "archon-client-example",
		onSessionChange: (id, old) => console.log(`session ${old ?? "(none)"} -> ${id}`),
	});

	const health = await client.callTool("health_check", {}, { signal: AbortSignal.timeout(5_000) });
	console.log(`era: ${client.protocolEra}; health_check:`, health.structuredContent);

	// The same handler answers when a 2025-era server pushes elicitation/create during the call.
	const tools = await client.listTools();
	if (tools.some((tool) => tool.name === "test_elicitation")) {
		const answer = await client.callTool("test_elicitation", { message: "Still you?" });
		console.log("test_elicitation:", answer.content[0]);
	}

	// Keep the id to resume this session after a restart: new MCPClient({ url, protocol: "legacy", sessionId }).
	console.log("session id:", client.sessionId);
}
