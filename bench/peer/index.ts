/**
 * Entry of the benchmark's peer Worker (bench/README.md): the targets the
 * project is measured against, in one Worker under its own `wrangler dev`.
 *
 * - `GET /bare` answers `ok`: the Worker with nothing behind it.
 * - `POST /echo?session=<name>` sends the body to the echo object of that name
 *   and answers with what came back.
 * - `/mcp` is McpAgent's Streamable HTTP endpoint, one object per MCP session.
 */
import type { EchoObject } from "./echo-object";
import { SimpleTextAgent } from "./simple-text-agent";

export { EchoObject } from "./echo-object";
export { SimpleTextAgent } from "./simple-text-agent";

/** The peer's bindings (bench/peer/wrangler.toml), typed by hand: `wrangler types` serves the project's Worker. */
interface PeerEnv {
	readonly ECHO: DurableObjectNamespace<EchoObject>;
	readonly MCP_OBJECT: DurableObjectNamespace<SimpleTextAgent>;
}

/** Echo object used when the request names none. */
const DEFAULT_ECHO_SESSION = "default";

const mcpAgent = SimpleTextAgent.serve("/mcp", { binding: "MCP_OBJECT" });

export default {
	async fetch(request, env, ctx): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname === "/bare" && request.method === "GET") return new Response("ok");
		if (url.pathname === "/echo" && request.method === "POST") {
			const name = url.searchParams.get("session") ?? DEFAULT_ECHO_SESSION;
			const stub = env.ECHO.get(env.ECHO.idFromName(name));
			return new Response(await stub.echo(await request.text()));
		}
		if (url.pathname === "/mcp") return mcpAgent.fetch(request, env, ctx);
		return new Response("Not found", { status: 404 });
	},
} satisfies ExportedHandler<PeerEnv>;
