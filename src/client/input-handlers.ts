/**
 * Input the server asks the client for in the middle of a call: a form for
 * the user (elicitation), a completion from the application's model
 * (sampling), or the client's roots. One handler per kind answers both eras:
 *
 * - a 2026-07-28 server returns an `input_required` result; the SDK answers
 *   its embedded requests through these handlers and sends the call again
 *   with the answers, at most `maxRounds` times;
 * - a 2025-era server pushes `elicitation/create`, `sampling/createMessage`
 *   or `roots/list` on the call's stream, answered by the same handlers.
 *
 * A capability is advertised only when its handler is set, so a server never
 * asks for what nobody can answer.
 */
import type {
	Client,
	ClientCapabilities,
	ClientContext,
	CreateMessageRequestParams,
	CreateMessageResult,
	ElicitRequestParams,
	ElicitResult,
	ProtocolEra,
	Root,
} from "@modelcontextprotocol/client";

/** What an input handler is told besides the request itself. */
export interface InputRequestContext {
	/**
	 * `modern` when the request came embedded in an `input_required` result
	 * (2026-07-28), `legacy` when a 2025-era server pushed it during the call.
	 */
	readonly era: ProtocolEra;
	/** Aborted when the server or the caller gives up on the request; stop asking the user then. */
	readonly signal: AbortSignal;
}

/**
 * Answers an elicitation: show `request.message` and a form built from
 * `request.requestedSchema`, and return what the user decided. Fields the
 * user left out are filled from the schema's defaults. Only form mode is
 * advertised, so no URL-mode request arrives.
 */
export type ElicitationHandler = (
	request: ElicitRequestParams,
	context: InputRequestContext,
) => ElicitResult | Promise<ElicitResult>;

/**
 * Answers a sampling request: run `request.messages` through the application's
 * model and return its reply. Sampling is deprecated as of 2026-07-28 (SEP-2577)
 * but still served by many servers.
 */
export type SamplingHandler = (
	request: CreateMessageRequestParams,
	context: InputRequestContext,
) => CreateMessageResult | Promise<CreateMessageResult>;

/** Lists the client's roots (`file://` URIs). Roots are deprecated as of 2026-07-28 (SEP-2577). */
export type RootsHandler = (
	context: InputRequestContext,
) => readonly Root[] | Promise<readonly Root[]>;

/** The handler options, as `MCPClientOptions` carries them. */
export interface InputHandlers {
	/** Answers elicitation requests; without it the client does not advertise `elicitation`. */
	readonly onElicitation?: ElicitationHandler;
	/** Answers sampling requests; without it the client does not advertise `sampling`. */
	readonly onSampling?: SamplingHandler;
	/** Lists the client's roots; without it the client does not advertise `roots`. */
	readonly onRoots?: RootsHandler;
}

/** The capabilities the handlers answer for, and only those. */
export function inputCapabilities(handlers: InputHandlers): ClientCapabilities {
	const capabilities: ClientCapabilities = {};
	// applyDefaults: the SDK fills the fields a user left empty from the schema's defaults (SEP-1034).
	if (handlers.onElicitation) capabilities.elicitation = { form: { applyDefaults: true } };
	if (handlers.onSampling) capabilities.sampling = {};
	if (handlers.onRoots) capabilities.roots = {};
	return capabilities;
}

/**
 * Registers the handlers on an SDK client built with `inputCapabilities`.
 * The SDK validates requests and answers against the wire schema of the era.
 */
export function registerInputHandlers(client: Client, handlers: InputHandlers): void {
	const contextOf = (ctx: ClientContext): InputRequestContext => ({
		era: client.getProtocolEra() ?? "legacy",
		signal: ctx.mcpReq.signal,
	});
	const { onElicitation, onSampling, onRoots } = handlers;
	if (onElicitation) {
		client.setRequestHandler("elicitation/create", (request, ctx) =>
			onElicitation(request.params, contextOf(ctx)),
		);
	}
	if (onSampling) {
		client.setRequestHandler("sampling/createMessage", (request, ctx) =>
			onSampling(request.params, contextOf(ctx)),
		);
	}
	if (onRoots) {
		client.setRequestHandler("roots/list", async (_request, ctx) => ({
			roots: [...(await onRoots(contextOf(ctx)))],
		}));
	}
}
