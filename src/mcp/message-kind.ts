/**
 * The kind of a JSON-RPC message that has already been validated: one the
 * front door checked (`request-validation.ts`), one the SDK's transport
 * parsed before handing it on, or one the SDK's server built. Told apart by
 * the members it has. The SDK's `isJSONRPC*` guards parse the whole message
 * with its zod schema again, and a legacy tool call ran them seven times over
 * the same messages (bench/README.md); they stay where input is untrusted.
 */
import type {
	JSONRPCErrorResponse,
	JSONRPCMessage,
	JSONRPCNotification,
	JSONRPCRequest,
	JSONRPCResultResponse,
} from "@modelcontextprotocol/server";

/** A request: it has a method and an id. */
export function isRequestMessage(message: JSONRPCMessage): message is JSONRPCRequest {
	return "method" in message && "id" in message;
}

/** A notification: a method and no id. */
export function isNotificationMessage(message: JSONRPCMessage): message is JSONRPCNotification {
	return "method" in message && !("id" in message);
}

/** An error response. */
export function isErrorMessage(message: JSONRPCMessage): message is JSONRPCErrorResponse {
	return "error" in message;
}

/** A result response. */
export function isResultMessage(message: JSONRPCMessage): message is JSONRPCResultResponse {
	return "result" in message;
}
