/**
 * Using the Archon MCP client against a running server.
 *
 *   npm start          # in one terminal: the server on http://127.0.0.1:8787/mcp
 *   npm run example    # in another: builds dist/ and runs this file
 *
 * Set ARCHON_MCP_URL to point it elsewhere and ARCHON_TOKEN to send a bearer token
 * (a server with AUTH_MODE=required answers 401 without one).
 * It imports the package by name, as an application would; Node resolves that
 * to the built `dist/client` through the package's own `exports`.
 */
import { checkMcpHealth, MCPClient, MCPClientError } from "archon-mcp-edge/client";

const url = process.env.ARCHON_MCP_URL ?? "http://127.0.0.1:8787/mcp";
const token = process.env.ARCHON_TOKEN;

if (!(await checkMcpHealth(url))) {
	console.error(`No healthy Archon MCP server at ${url}. Start one with \`npm start\`.`);
	process.exit(1);
}

try {
	await useClient();
} catch (error) {
	if (error instanceof MCPClientError && error.status === 401) {
		console.error(
			"The server wants a bearer token: set ARCHON_TOKEN, or run it with AUTH_MODE=off.",
		);
		process.exit(1);
	}
	throw error;
}

async function useClient(): Promise<void> {
	// `await using` closes the session (HTTP DELETE) when this function returns or throws.
	await using client = new MCPClient({
		url,
		headers: token ? { Authorization: `Bearer ${token}` } : {},
		clientName: "archon-client-example",
		logger: console,
		onSessionChange: (id, old) => console.log(`session ${old ?? "(none)"} -> ${id}`),
	});

	const tools = await client.listTools();
	console.log("tools:", tools.map((tool) => tool.name).join(", "));

	const info = await client.callTool("session_info");
	console.log("session_info:", info.structuredContent);

	const health = await client.callTool("health_check", {}, { signal: AbortSignal.timeout(5_000) });
	console.log("health_check:", health.structuredContent);

	// A tool error is an answer, not an exception, unless you ask for one.
	try {
		await client.callTool("no_such_tool", {}, { throwOnToolError: true });
	} catch (error) {
		if (!(error instanceof MCPClientError) || error.code !== "TOOL") throw error;
		console.log("tool error, as expected:", error.message);
	}

	// Keep the id to resume this session after a restart: new MCPClient({ url, sessionId }).
	console.log("session id:", client.sessionId);
}
