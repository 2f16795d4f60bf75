/**
 * The one check of an `initialize` request, run in the Worker before any
 * session is created, resumed or revived: the SDK's own schema of the request
 * (so the session's server never rejects a handshake this lets through), then
 * the bounds of what a session stores. A handshake that fails gets 400 with
 * -32602 and a one-line reason, and changes nothing, not even a live session
 * it names.
 */
import { type JSONRPCMessage, specTypeSchemas } from "@modelcontextprotocol/server";
import { JsonRpcCode, McpHttpError } from "../errors";
import type { Handshake } from "../session/session-record";
import { negotiateProtocolVersion } from "./protocol";
import {
	cutChars,
	MAX_CAPABILITIES_BYTES,
	MAX_CLIENT_FIELD_CHARS,
	utf8Length,
} from "./stored-strings";

/** Longest reason quoted from a schema issue (characters); the wire message stays one short line. */
const MAX_REASON_CHARS = 160;

/**
 * The handshake of a valid `initialize` request, with the revision this
 * server answers it with; throws 400/-32602 otherwise.
 *
 * @example
 * const handshake = validateInitialize(parsed.body as JSONRPCMessage);
 */
export function validateInitialize(message: JSONRPCMessage): Handshake {
	const checked = specTypeSchemas.InitializeRequest["~standard"].validate(message);
	if ("then" in checked) throw new Error("The SDK's InitializeRequest schema must be synchronous");
	if (checked.issues) {
		const [issue] = checked.issues;
		const path = (issue?.path ?? [])
			.map((part) => (typeof part === "object" ? part.key : part))
			.filter((part) => part !== "params")
			.join(".");
		throw invalidParams(message, `${path || "params"}: ${issue?.message ?? "invalid"}`);
	}
	const { params } = checked.value;
	const { name, version } = params.clientInfo;
	for (const [field, value] of [
		["clientInfo.name", name],
		["clientInfo.version", version],
	] as const) {
		if ([...value].length > MAX_CLIENT_FIELD_CHARS) {
			throw invalidParams(message, `${field} is longer than ${MAX_CLIENT_FIELD_CHARS} characters`);
		}
	}
	if (utf8Length(JSON.stringify(params.capabilities)) > MAX_CAPABILITIES_BYTES) {
		throw invalidParams(message, `capabilities are larger than ${MAX_CAPABILITIES_BYTES} bytes`);
	}
	return {
		clientName: name,
		clientVersion: version,
		clientCapabilities: params.capabilities,
		protocolVersion: negotiateProtocolVersion(params.protocolVersion),
	};
}

/** 400 with -32602 "Invalid params", answering the request's id. */
function invalidParams(message: JSONRPCMessage, reason: string): McpHttpError {
	const id = "id" in message ? message.id : null;
	return new McpHttpError(
		400,
		JsonRpcCode.InvalidParams,
		`Invalid params: ${cutChars(reason, MAX_REASON_CHARS)}`,
		{},
		id,
	);
}
