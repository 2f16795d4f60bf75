/**
 * Validators for an MCP HTTP request, run in the Worker before any Durable
 * Object is woken. Each throws the one wire error, `McpHttpError`, which the
 * app's error handler answers (Hono's `HTTPException` idiom), so the route
 * reads top-down; none reads more of the body than `MAX_BODY_BYTES`.
 */
import {
	isJSONRPCNotification,
	isJSONRPCRequest,
	type JSONRPCMessage,
} from "@modelcontextprotocol/server";
import { JsonRpcCode, McpHttpError } from "../errors";
import { isRequestMessage } from "./message-kind";
import {
	DEFAULT_PROTOCOL_VERSION,
	FIRST_VERSION_WITHOUT_BATCHES,
	Header,
	isSupportedProtocolVersion,
	MAX_BODY_BYTES,
	MAX_JSON_DEPTH,
	type ProtocolVersion,
	SUPPORTED_PROTOCOL_VERSIONS,
} from "./protocol";

/** A POST body as read from the wire: its JSON value, or the fact that it is not JSON (an empty body included). */
export type JsonBody =
	| { readonly isJson: true; readonly value: unknown }
	| { readonly isJson: false };

/** A POST body that passed every check: one message, or a batch where the revision allows it. */
export interface ParsedPost {
	/** The messages, in order; a single message is a batch of one. */
	readonly messages: JSONRPCMessage[];
	/** What the client sent: `messages[0]` for a single message, the array for a batch. */
	readonly body: JSONRPCMessage | JSONRPCMessage[];
	/** True when the body is exactly one `initialize` request. */
	readonly isInitialize: boolean;
}

/** 406 unless Accept lists both `application/json` and `text/event-stream` (2025-06-18 transports §2.1). */
export function validateAccept(request: Request): void {
	const accepted = mediaRanges(request.headers.get("accept"));
	if (accepted.has("application/json") && accepted.has("text/event-stream")) return;
	throw new McpHttpError(
		406,
		JsonRpcCode.ServerError,
		"Not Acceptable: Accept must list both application/json and text/event-stream",
	);
}

/** 415 unless the body is declared as `mediaType` (parameters such as charset allowed). */
export function validateContentType(request: Request, mediaType = "application/json"): void {
	const type = request.headers.get("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
	if (type === mediaType) return;
	throw new McpHttpError(
		415,
		JsonRpcCode.ServerError,
		`Unsupported Media Type: Content-Type must be ${mediaType}`,
	);
}

/**
 * The protocol revision of a non-initialize request: its `MCP-Protocol-Version`
 * header, or 2025-03-26 when absent. An unsupported value is a 400.
 */
export function validateProtocolVersion(request: Request): ProtocolVersion {
	const header = request.headers.get(Header.ProtocolVersion);
	if (header === null) return DEFAULT_PROTOCOL_VERSION;
	if (isSupportedProtocolVersion(header)) return header;
	throw new McpHttpError(
		400,
		JsonRpcCode.ServerError,
		`Bad Request: Unsupported protocol version (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
	);
}

/**
 * Reads the body and parses it as JSON, refusing more than `MAX_BODY_BYTES`
 * with a 413 whether or not the client declared a Content-Length, and nesting
 * deeper than `MAX_JSON_DEPTH` with a 400 (-32600). A body that is not JSON is
 * not refused here: which era answers it is the front door's call.
 */
export async function readJsonBody(request: Request): Promise<JsonBody> {
	const text = await readBodyText(request);
	if (nestingDepth(text) > MAX_JSON_DEPTH) {
		throw new McpHttpError(
			400,
			JsonRpcCode.InvalidRequest,
			`Invalid Request: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
		);
	}
	try {
		return { isJson: true, value: JSON.parse(text) };
	} catch {
		return { isJson: false };
	}
}

/**
 * The body as text, refusing more than `maxBytes` with a 413 whether or not
 * the client declared a Content-Length: an undeclared body is read only up to
 * the limit, never whole.
 */
export async function readBodyText(
	request: Request,
	maxBytes: number = MAX_BODY_BYTES,
): Promise<string> {
	// Built only when thrown: an Error captures a stack trace, a cost every request paid (bench/README.md, "Where the time goes").
	const tooLarge = () =>
		new McpHttpError(
			413,
			JsonRpcCode.ServerError,
			`Payload Too Large: the body must not exceed ${maxBytes} bytes`,
		);
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > maxBytes) throw tooLarge();
	if (request.body === null) return "";
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel();
			throw tooLarge();
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return new TextDecoder().decode(bytes);
}

/**
 * The JSON-RPC messages of a legacy POST body: 400/-32700 for invalid JSON,
 * 400/-32600 for anything that is not a JSON-RPC 2.0 message, and 400/-32600
 * for a batch under a revision that removed batching or one that holds `initialize`.
 */
export function parseMessages(body: JsonBody, version: ProtocolVersion): ParsedPost {
	if (!body.isJson) {
		throw new McpHttpError(400, JsonRpcCode.ParseError, "Parse error: Invalid JSON");
	}
	const raw = body.value;
	const isBatch = Array.isArray(raw);
	if (isBatch) validateBatchAllowed(version);
	const items: unknown[] = isBatch ? (raw as unknown[]) : [raw];
	if (items.length === 0 || !items.every(isJsonRpcMessage)) {
		throw new McpHttpError(
			400,
			JsonRpcCode.InvalidRequest,
			"Invalid Request: the body must be a JSON-RPC 2.0 request, notification or response",
		);
	}
	const messages = items as JSONRPCMessage[];
	const initializeCount = messages.filter(isInitialize).length;
	if (initializeCount > 0 && messages.length > 1) {
		throw new McpHttpError(
			400,
			JsonRpcCode.InvalidRequest,
			"Invalid Request: initialize must be sent on its own, not in a batch",
		);
	}
	return {
		messages,
		body: isBatch ? messages : (messages[0] as JSONRPCMessage),
		isInitialize: initializeCount === 1,
	};
}

/**
 * 400/-32600 unless `version` still allows JSON-RPC batches (2025-03-26 only).
 * Checked against the header here, and against a session's negotiated
 * revision in its object, so leaving the header out lifts nothing.
 */
export function validateBatchAllowed(version: string): void {
	if (version < FIRST_VERSION_WITHOUT_BATCHES) return;
	throw new McpHttpError(
		400,
		JsonRpcCode.InvalidRequest,
		`Invalid Request: JSON-RPC batches are not supported in protocol version ${version}`,
	);
}

/** True for a JSON-RPC `initialize` request (among messages `parseMessages` validated). */
export function isInitialize(message: JSONRPCMessage): boolean {
	return isRequestMessage(message) && message.method === "initialize";
}

function isJsonRpcMessage(value: unknown): boolean {
	if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
	const message = value as Record<string, unknown>;
	if (message.jsonrpc !== "2.0") return false;
	if (isJSONRPCRequest(value) || isJSONRPCNotification(value)) return true;
	// A response to a server-initiated request: an id and exactly one of result or error.
	const hasId = typeof message.id === "string" || typeof message.id === "number";
	return hasId && "result" in message !== "error" in message;
}

/** The deepest nesting of `[` and `{` in JSON text, outside strings; one pass, no parse. */
function nestingDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text.charCodeAt(i);
		if (inString) {
			if (char === 0x5c)
				i++; // a backslash escapes the next character
			else if (char === 0x22) inString = false;
		} else if (char === 0x22) {
			inString = true;
		} else if (char === 0x5b || char === 0x7b) {
			depth++;
			if (depth > deepest) deepest = depth;
		} else if (char === 0x5d || char === 0x7d) {
			depth--;
		}
	}
	return deepest;
}

/** Media types in an Accept header, without parameters; ranges with q=0 are refused ones. */
function mediaRanges(accept: string | null): Set<string> {
	const types = new Set<string>();
	for (const part of (accept ?? "").split(",")) {
		const [type, ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
		if (!type) continue;
		if (params.some((param) => /^q=0(\.0*)?$/.test(param))) continue;
		types.add(type);
	}
	return types;
}
