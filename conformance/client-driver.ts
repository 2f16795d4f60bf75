/**
 * The client under test of `npm run test:conformance:client`: the suite runs
 * `node conformance/client-driver.ts <server-url>` once per scenario, with
 * the scenario's name in `MCP_CONFORMANCE_SCENARIO`, its wire revision in
 * `MCP_CONFORMANCE_PROTOCOL_VERSION` and, for some, data in
 * `MCP_CONFORMANCE_CONTEXT`. Each scenario does what an application would
 * with `MCPClient` (the built `dist/client`, as applications import it) and
 * the suite judges the traffic. Exit status 0 when the scenario's calls
 * succeeded, 1 otherwise (some scenarios expect the client to refuse).
 *
 * The 2025-11-25 runs speak `protocol: "legacy"` (the suite's 2025 mocks
 * know no `server/discover`); the 2026-07-28 runs speak `auto`, the
 * default, so every one of them negotiates the era.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
	ClientCredentialsProvider,
	CrossAppAccessProvider,
	PrivateKeyJwtProvider,
	requestJwtAuthorizationGrant,
} from "@modelcontextprotocol/client";
import type * as ClientLibrary from "../src/client/index.ts";
import type { MCPClient, MCPClientOptions } from "../src/client/index.ts";
import { HeadlessOAuthProvider } from "./headless-oauth.ts";

/** Where `npm run build` puts the client library. */
const CLIENT_ENTRY = join(import.meta.dirname, "../dist/client/index.js");

/** The CIMD URL the driver offers as its client id (the suite's servers accept it as is). */
const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";

/** Most sign-ins one operation goes through: a scope step-up needs a second, and 3 authorization requests in all is the most a client should make (the scope-retry-limit scenario). */
const MAX_SIGN_INS = 2;

/** Longer than the suite's slowest scenario step, shorter than its 30 s limit. */
const TIMEOUT_MS = 20_000;

const library = (await import(pathToFileURL(CLIENT_ENTRY).href)) as typeof ClientLibrary;

/** Everything a scenario gets. */
interface Run {
	readonly url: string;
	readonly protocol: MCPClientOptions["protocol"];
	readonly context: Record<string, unknown>;
}

type Scenario = (run: Run) => Promise<void>;

/** Logs to stderr, which the suite keeps per scenario. */
const logger = {
	debug: (event: string, fields?: object) => console.error(event, JSON.stringify(fields ?? {})),
	info: (event: string, fields?: object) => console.error(event, JSON.stringify(fields ?? {})),
	warn: (event: string, fields?: object) => console.error(event, JSON.stringify(fields ?? {})),
	error: (event: string, fields?: object) => console.error(event, JSON.stringify(fields ?? {})),
};

function client(run: Run, options: Partial<MCPClientOptions> = {}): MCPClient {
	return new library.MCPClient({
		url: run.url,
		protocol: run.protocol,
		clientName: "archon-conformance-client",
		timeoutMs: TIMEOUT_MS,
		logger,
		...options,
	});
}

/** Lists the tools, then calls `add_numbers` where the server has it. */
const toolsCall: Scenario = async (run) => {
	await using mcp = client(run);
	const tools = await mcp.listTools();
	if (tools.some((tool) => tool.name === "add_numbers")) {
		await mcp.callTool("add_numbers", { a: 5, b: 3 });
	}
};

/** Connects and lists the tools. */
const listTools: Scenario = async (run) => {
	await using mcp = client(run);
	await mcp.listTools();
};

/** Connects (the era probe and its corrective retry are what the scenario checks). */
const connectOnly: Scenario = async (run) => {
	await using mcp = client(run);
	await mcp.connect();
};

/** Accepts the form without filling it: the client fills the schema's defaults (SEP-1034). */
const elicitationDefaults: Scenario = async (run) => {
	await using mcp = client(run, { onElicitation: () => ({ action: "accept", content: {} }) });
	await mcp.callTool("test_client_elicitation_defaults");
};

/** The server cuts the stream mid-call; the client resumes it after the server's `retry`. */
const sseRetry: Scenario = async (run) => {
	await using mcp = client(run);
	await mcp.callTool("test_reconnection");
};

/** Multi-round-trip requests: the state echoed byte for byte, no state where there was none. */
const requestState: Scenario = async (run) => {
	await using mcp = client(run, {
		onElicitation: () => ({ action: "accept", content: { confirmed: true } }),
	});
	await mcp.callTool("test_mrtr_echo_state");
	await mcp.callTool("test_mrtr_no_state");
	await mcp.callTool("test_mrtr_unrelated");
	// A result without resultType is a broken server: the call fails, and must not be retried.
	await mcp.callTool("test_mrtr_no_result_type").catch((error: unknown) => {
		console.error("test_mrtr_no_result_type refused:", String(error));
	});
};

/** One request of each kind that carries a name, so its standard headers can be checked. */
const standardHeaders: Scenario = async (run) => {
	await using mcp = client(run);
	const [tool] = await mcp.listTools();
	if (tool) await mcp.callTool(tool.name);
	const [resource] = await mcp.listResources();
	if (resource) await mcp.readResource(resource.uri);
	const [prompt] = await mcp.listPrompts();
	if (prompt) await mcp.getPrompt(prompt.name);
};

/** Lists (so parameters can be mirrored into headers), then makes the calls the suite asks for. */
const customHeaders: Scenario = async (run) => {
	await using mcp = client(run);
	await mcp.listTools();
	const calls = (run.context.toolCalls ?? []) as { name: string; arguments: object }[];
	for (const call of calls) await mcp.callTool(call.name, { ...call.arguments });
};

/** Calls every tool the client kept: the ones with invalid header annotations must be gone. */
const invalidToolHeaders: Scenario = async (run) => {
	await using mcp = client(run);
	for (const tool of await mcp.listTools()) {
		await mcp.callTool(tool.name, { region: "us-west1" }).catch((error: unknown) => {
			console.error(`${tool.name} refused:`, String(error));
		});
	}
};

/** Hands the focal tool's inputSchema back to the server as the client sees it. */
const schemaPreservation: Scenario = async (run) => {
	await using mcp = client(run);
	const tools = await mcp.listTools();
	const focal = tools.find((tool) => tool.name === "json_schema_2020_12_tool");
	if (!focal) throw new Error("json_schema_2020_12_tool is not offered");
	await mcp.callTool("json_schema_echo", { schema: focal.inputSchema });
};

/**
 * An interactive OAuth application: the operation fails with UNAUTHORIZED
 * once the provider has sent the user to sign in; the app completes the
 * sign-in with the redirect's query and tries again.
 */
function oauthScenario(registered?: "pre-registered"): Scenario {
	return async (run) => {
		const context = run.context as { client_id?: string; client_secret?: string };
		const provider = new HeadlessOAuthProvider({
			clientName: "archon-conformance-client",
			clientMetadataUrl: registered ? undefined : CLIENT_METADATA_URL,
			registered:
				registered && context.client_id
					? { client_id: context.client_id, client_secret: context.client_secret }
					: undefined,
		});
		await using mcp = client(run, { authProvider: provider });
		const signedIn = async <T>(operation: () => Promise<T>): Promise<T> => {
			for (let signIns = 0; ; signIns++) {
				try {
					return await operation();
				} catch (error) {
					const callback = provider.takeCallback();
					const signIn = library.isMCPClientError(error, "UNAUTHORIZED") && callback;
					if (!signIn || signIns >= MAX_SIGN_INS) throw error;
					await mcp.finishAuth(callback);
				}
			}
		};
		await signedIn(() => mcp.listTools());
		await signedIn(() => mcp.callTool("test-tool"));
	};
}

/** Machine-to-machine OAuth (extension scenarios): the SDK's providers, passed through as they are. */
function machineScenario(kind: "basic" | "jwt" | "cross-app"): Scenario {
	return async (run) => {
		const context = run.context as Record<string, string>;
		const authProvider =
			kind === "basic"
				? new ClientCredentialsProvider({
						clientId: context.client_id ?? "",
						clientSecret: context.client_secret ?? "",
					})
				: kind === "jwt"
					? new PrivateKeyJwtProvider({
							clientId: context.client_id ?? "",
							privateKey: context.private_key_pem ?? "",
							algorithm: context.signing_algorithm ?? "ES256",
						})
					: new CrossAppAccessProvider({
							clientId: context.client_id ?? "",
							clientSecret: context.client_secret ?? "",
							assertion: async (auth) =>
								(
									await requestJwtAuthorizationGrant({
										tokenEndpoint: context.idp_token_endpoint ?? "",
										audience: auth.authorizationServerUrl,
										resource: auth.resourceUrl,
										idToken: context.idp_id_token ?? "",
										clientId: context.idp_client_id ?? "",
										fetchFn: auth.fetchFn,
									})
								).jwtAuthGrant,
						});
		await using mcp = client(run, { authProvider });
		await mcp.listTools();
	};
}

/** The OAuth scenarios answered by an interactive application (authorization code + PKCE). */
const INTERACTIVE_OAUTH = [
	"auth/metadata-default",
	"auth/metadata-var1",
	"auth/metadata-var2",
	"auth/metadata-var3",
	"auth/basic-cimd",
	"auth/scope-from-www-authenticate",
	"auth/scope-from-scopes-supported",
	"auth/scope-omitted-when-undefined",
	"auth/scope-step-up",
	"auth/scope-retry-limit",
	"auth/token-endpoint-auth-basic",
	"auth/token-endpoint-auth-post",
	"auth/token-endpoint-auth-none",
	"auth/resource-mismatch",
	"auth/offline-access-scope",
	"auth/offline-access-not-supported",
	"auth/authorization-server-migration",
	"auth/iss-supported",
	"auth/iss-not-advertised",
	"auth/iss-supported-missing",
	"auth/iss-wrong-issuer",
	"auth/iss-unexpected",
	"auth/iss-normalized",
	"auth/metadata-issuer-mismatch",
	"auth/2025-03-26-oauth-metadata-backcompat",
	"auth/2025-03-26-oauth-endpoint-fallback",
	"auth/dpop",
	"auth/dpop-nonce",
] as const;

const SCENARIOS = new Map<string, Scenario>([
	["initialize", listTools],
	["tools_call", toolsCall],
	["request-metadata", connectOnly],
	["elicitation-sep1034-client-defaults", elicitationDefaults],
	["sse-retry", sseRetry],
	["sep-2322-client-request-state", requestState],
	["http-standard-headers", standardHeaders],
	["http-custom-headers", customHeaders],
	["http-invalid-tool-headers", invalidToolHeaders],
	["json-schema-ref-no-deref", listTools],
	["json-schema-2020-12-preservation", schemaPreservation],
	...INTERACTIVE_OAUTH.map((name): [string, Scenario] => [name, oauthScenario()]),
	["auth/pre-registration", oauthScenario("pre-registered")],
	["auth/client-credentials-basic", machineScenario("basic")],
	["auth/client-credentials-jwt", machineScenario("jwt")],
	["auth/enterprise-managed-authorization", machineScenario("cross-app")],
]);

async function main(): Promise<number> {
	const name = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
	const url = process.argv[2];
	const scenario = SCENARIOS.get(name);
	if (!url || !scenario) {
		console.error(
			`usage: MCP_CONFORMANCE_SCENARIO=<scenario> node ${process.argv[1]} <server-url>`,
		);
		console.error(`scenarios: ${[...SCENARIOS.keys()].sort().join(", ")}`);
		return 2;
	}
	const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION;
	const run: Run = {
		url,
		protocol: version !== undefined && version < "2026-07-28" ? "legacy" : "auto",
		context: JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as Record<string, unknown>,
	};
	try {
		await scenario(run);
		return 0;
	} catch (error) {
		console.error(`${name} failed:`, error);
		return 1;
	}
}

process.exitCode = await main();
