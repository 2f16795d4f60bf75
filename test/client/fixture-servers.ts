/**
 * In-process MCP servers built with the SDK, for what main's Worker does not
 * serve yet: the 2026-07-28 era (`createMcpHandler`, as the SDK's
 * "In-process testing" guide shows) and a 2025-era server that keeps its
 * session in memory, so it can push `elicitation/create` and friends in the
 * middle of a call and resume a cut stream from its event store.
 *
 * Both serve the same tools, written once in the `inputRequired(...)` style:
 * the SDK answers the modern era in-band and pushes requests to a legacy
 * session (its "legacy shim").
 */
import {
	acceptedContent,
	createMcpHandler,
	type EventStore,
	inputRequired,
	inputResponse,
	type JSONRPCMessage,
	McpServer,
	WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import * as z from "zod/v4";

/** A server reached through a fetch, as the client reaches the Worker. */
export interface FixtureServer {
	fetch(request: Request): Promise<Response>;
}

/** The SSE `retry` the legacy fixture asks for, in milliseconds. */
export const FIXTURE_RETRY_MS = 1_234;

/** What `greet` asks for: a name. */
const NAME_FORM = z.object({ name: z.string() });

/** What `greet` asks second: a confirmation. */
const CONFIRM_FORM = z.object({ confirm: z.boolean() });

function registerTools(server: McpServer): void {
	// Two rounds of elicitation: a name, then a confirmation; the name rides in requestState.
	server.registerTool("greet", { description: "Asks for a name, then greets" }, async (ctx) => {
		const state = ctx.mcpReq.requestState<string>();
		if (state === undefined) {
			return inputRequired({
				inputRequests: {
					name: inputRequired.elicit({ message: "Your name?", requestedSchema: NAME_FORM }),
				},
				requestState: "asked-name",
			});
		}
		if (state === "asked-name") {
			const answer = acceptedContent(ctx.mcpReq.inputResponses, "name", NAME_FORM);
			if (!answer) return { content: [{ type: "text", text: "No name given" }], isError: true };
			return inputRequired({
				inputRequests: {
					confirm: inputRequired.elicit({
						message: `Greet ${answer.name}?`,
						requestedSchema: CONFIRM_FORM,
					}),
				},
				requestState: `name:${answer.name}`,
			});
		}
		const confirmed = acceptedContent(ctx.mcpReq.inputResponses, "confirm", CONFIRM_FORM);
		const name = state.replace(/^name:/, "");
		return { content: [{ type: "text", text: confirmed?.confirm ? `Hello, ${name}` : "Not now" }] };
	});

	// Never satisfied: asks again whatever the answer, to exercise maxRounds.
	server.registerTool("ask_forever", { description: "Always needs more input" }, async () =>
		inputRequired({
			inputRequests: {
				again: inputRequired.elicit({ message: "Once more?", requestedSchema: CONFIRM_FORM }),
			},
		}),
	);

	// One round that needs the model and the roots.
	server.registerTool("summarize_roots", { description: "Samples over the roots" }, async (ctx) => {
		const roots = inputResponse(ctx.mcpReq.inputResponses, "roots");
		const summary = inputResponse(ctx.mcpReq.inputResponses, "summary");
		if (roots.kind !== "roots" || summary.kind !== "sampling") {
			return inputRequired({
				inputRequests: {
					roots: inputRequired.listRoots(),
					summary: inputRequired.createMessage({
						messages: [{ role: "user", content: { type: "text", text: "Summarize" } }],
						maxTokens: 50,
					}),
				},
			});
		}
		const content = summary.result.content;
		const text = !Array.isArray(content) && content.type === "text" ? content.text : "";
		const uris = roots.roots.map((root) => root.uri).join(",");
		return { content: [{ type: "text", text: `${text} over ${uris}` }] };
	});

	server.registerTool("fail", { description: "Returns a tool error" }, async () => ({
		content: [{ type: "text", text: "it broke" }],
		isError: true,
	}));

	server.registerTool("hello", { description: "Says hello" }, async () => ({
		content: [{ type: "text", text: "hello" }],
	}));

	// Cuts its own SSE stream (legacy, with an event store) before answering, so the client resumes.
	server.registerTool(
		"cut_then_answer",
		{ description: "Closes the stream first" },
		async (ctx) => {
			await ctx.mcpReq.notify({
				method: "notifications/message",
				params: { level: "info", data: "before the cut" },
			});
			ctx.http?.closeSSE?.();
			await new Promise((resolve) => setTimeout(resolve, 20));
			return { content: [{ type: "text", text: "after the cut" }] };
		},
	);
}

function buildServer(): McpServer {
	const server = new McpServer(
		{ name: "fixture", version: "1.0.0" },
		{ capabilities: { tools: {}, logging: {} } },
	);
	registerTools(server);
	return server;
}

/** A 2026-07-28 server that refuses the 2025 era, like Archon's modern lane. */
export function modernFixture(): FixtureServer {
	const handler = createMcpHandler(buildServer, { legacy: "reject" });
	return { fetch: (request) => handler.fetch(request) };
}

/**
 * A 2025-era server with sessions kept in memory: one SDK server and
 * stateful transport per session, an event store for `Last-Event-ID`, and
 * `retry` on its priming events.
 */
export function legacyFixture(): FixtureServer {
	const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
	const events = new MemoryEventStore();
	return {
		async fetch(request) {
			const id = request.headers.get("mcp-session-id");
			const existing = id === null ? undefined : sessions.get(id);
			if (existing) return existing.handleRequest(request);
			if (id !== null) return new Response("unknown session", { status: 404 });
			const transport = new WebStandardStreamableHTTPServerTransport({
				sessionIdGenerator: () => crypto.randomUUID(),
				onsessioninitialized: (sessionId) => {
					sessions.set(sessionId, transport);
				},
				eventStore: events,
				retryInterval: FIXTURE_RETRY_MS,
			});
			await buildServer().connect(transport);
			return transport.handleRequest(request);
		},
	};
}

/** Events of every stream, kept for replay after a `Last-Event-ID`. */
class MemoryEventStore implements EventStore {
	readonly #events: { id: string; stream: string; message: JSONRPCMessage }[] = [];

	async storeEvent(stream: string, message: JSONRPCMessage): Promise<string> {
		const id = `${stream}_${this.#events.length}`;
		this.#events.push({ id, stream, message });
		return id;
	}

	async replayEventsAfter(
		lastEventId: string,
		{ send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
	): Promise<string> {
		const index = this.#events.findIndex((event) => event.id === lastEventId);
		const stream = this.#events[index]?.stream ?? "";
		for (const event of this.#events.slice(index + 1)) {
			if (event.stream === stream) await send(event.id, event.message);
		}
		return stream;
	}
}
