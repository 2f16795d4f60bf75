/** The name this server reports in `initialize` and on `/health`. */
export const SERVER_NAME = "archon-mcp-edge";

/** The server's version; kept in step with package.json by hand on release. */
export const SERVER_VERSION = "0.1.0";
