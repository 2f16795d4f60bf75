/**
 * Worker entry: the HTTP app is the default export; the session Durable
 * Object class is exported by name for the `MCP_SESSION` binding.
 */
import { createApp } from "./http/app";

export { McpSessionObject } from "./session/session-object";

export default createApp();
