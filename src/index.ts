/**
 * Worker entry: the HTTP app behind the OAuth gateway is the default export;
 * the session Durable Object class is exported by name for `MCP_SESSION`.
 */
import { createWorker } from "./auth/oauth-gateway";
import { createApp } from "./http/app";

export { McpSessionObject } from "./session/session-object";

export default createWorker(createApp()) satisfies ExportedHandler<Env>;
