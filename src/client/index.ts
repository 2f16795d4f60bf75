/**
 * The Archon MCP client: `import { MCPClient } from "archon-mcp-edge/client"`.
 * Runs on Node >= 20, in Workers and in browsers: web-standard APIs only.
 */

export type {
	AuthProvider,
	CallToolResult,
	CreateMessageRequestParams,
	CreateMessageResult,
	ElicitRequestParams,
	ElicitResult,
	GetPromptResult,
	OAuthClientProvider,
	Prompt,
	ProtocolEra,
	ReadResourceResult,
	Resource,
	Root,
	Tool,
} from "@modelcontextprotocol/client";
export type { SleepFunction } from "./abort.js";
export {
	isMCPClientError,
	MCPClientError,
	type MCPClientErrorCode,
	type MCPClientErrorDetails,
} from "./errors.js";
export type { ServerHealth } from "./health.js";
export { callMcpTool, checkMcpHealth } from "./helpers.js";
export type {
	ElicitationHandler,
	InputHandlers,
	InputRequestContext,
	RootsHandler,
	SamplingHandler,
} from "./input-handlers.js";
export { type CallOptions, type CallToolOptions, MCPClient } from "./mcp-client.js";
export {
	type FetchFunction,
	type LogFields,
	MCP_CLIENT_DEFAULTS,
	type MCPClientLogger,
	type MCPClientOptions,
	type ProtocolChoice,
	type SessionChangeListener,
	SILENT_LOGGER,
} from "./options.js";
export { RETRY_DEFAULTS, type RetryOptions } from "./retry.js";
export type { TokenProvider } from "./token-fetch.js";
export { ARCHON_SESSION_HEADER } from "./transport-fetch.js";
