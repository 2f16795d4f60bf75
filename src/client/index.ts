/**
 * The Archon MCP client: `import { MCPClient } from "archon-mcp-edge/client"`.
 * Runs on Node >= 20, in Workers and in browsers: web-standard APIs only.
 */
export type { SleepFunction } from "./abort.js";
export {
	isMCPClientError,
	MCPClientError,
	type MCPClientErrorCode,
	type MCPClientErrorDetails,
} from "./errors.js";
export type { ServerHealth } from "./health.js";
export { callMcpTool, checkMcpHealth } from "./helpers.js";
export { type CallOptions, type CallToolOptions, MCPClient } from "./mcp-client.js";
export {
	type FetchFunction,
	type LogFields,
	MCP_CLIENT_DEFAULTS,
	type MCPClientLogger,
	type MCPClientOptions,
	type SessionChangeListener,
	SILENT_LOGGER,
} from "./options.js";
export { RETRY_DEFAULTS, type RetryOptions } from "./retry.js";
export { ARCHON_SESSION_HEADER } from "./session-fetch.js";
