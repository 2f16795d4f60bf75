/**
 * The session export format, version 1 (docs/export-format.md): NDJSON, a
 * header line, then one line per session with its request rows (a session
 * with more rows continues on `requests` lines). This module validates lines;
 * it runs in the Worker and in the admin command (Node), so it imports only
 * `.ts` files that do the same, and zod.
 */
import { z } from "zod";
import { isSessionId } from "../session/session-id.ts";

/** The `format` of the header line. */
export const EXPORT_FORMAT = "archon-mcp-sessions";

/** The version this server writes and reads. */
export const EXPORT_VERSION = 1;

/** Request rows on one line: a session line carries up to this many, each `requests` line too. */
export const REQUESTS_PER_LINE = 1000;

/** Longest line an import reads, in characters (8 MiB); longer lines are reported, not parsed. */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;

/** Longest text field (client names, emails, error messages), in characters. */
const MAX_TEXT_CHARS = 2000;

const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(MAX_TEXT_CHARS);
const sessionId = z.string().refine(isSessionId, "must be a session id (32 base64url characters)");
const status = z.enum(["active", "expired", "disconnected"]);
const reason = z.enum(["timeout", "client_terminated", "revoked", "evicted", "admin_terminated"]);

/** The first line. */
const headerSchema = z.strictObject({
	format: z.literal(EXPORT_FORMAT),
	version: z.literal(EXPORT_VERSION),
	exported_at: time,
	filters: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

/** A request row of a session; the session id and the era (`legacy`) are the line's. */
const requestSchema = z.strictObject({
	request_id: z.string().min(1).max(100),
	method: text,
	tool_name: text.nullable(),
	timestamp: time,
	duration_ms: z.number().nonnegative(),
	status: z.enum(["success", "error"]),
	error_message: text.nullable(),
	user_id: text.nullable(),
	client_name: text.nullable(),
	client_version: text.nullable(),
	protocol_version: text.nullable(),
	traceparent: text.nullable(),
});

/** The session row, as in `archon_mcp_sessions`, with its JSON columns parsed. */
const sessionSchema = z.strictObject({
	session_id: sessionId,
	client_type: text,
	client_name: text.nullable(),
	client_version: text.nullable(),
	client_capabilities: z.unknown(),
	protocol_version: text,
	connected_at: time,
	last_activity: time,
	disconnected_at: time.nullable(),
	status,
	disconnect_reason: reason.nullable(),
	total_duration: z.number().nonnegative().nullable(),
	user_id: text.nullable(),
	user_email: text.nullable(),
	metadata: z.record(z.string(), z.unknown()),
	/** The level set with `logging/setLevel` (MCP's RFC 5424 severities), kept for revival. */
	log_level: z
		.enum(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"])
		.nullable()
		.default(null),
	/** Times the session was revived after an idle expiry, and the latest time. */
	revival_count: z.number().int().nonnegative().default(0),
	revived_at: time.nullable().default(null),
});

const sessionLineSchema = z
	.strictObject({
		type: z.literal("session"),
		session: sessionSchema,
		/** For a session live at export: what it takes to be live again. */
		live: z
			.strictObject({
				/** Idle time left at export, in ms: the session expires that long after its import. */
				remaining_idle_ms: time,
				timeout_seconds: z.number().int().positive(),
			})
			.nullable(),
		requests: z.array(requestSchema).max(REQUESTS_PER_LINE),
	})
	.refine(
		(line) => (line.session.status === "active") === (line.session.disconnected_at === null),
		{
			message: "an active session has no disconnected_at, an ended one has one",
		},
	)
	.refine((line) => line.live === null || line.session.status === "active", {
		message: "live is only for an active session",
	});

const requestsLineSchema = z.strictObject({
	type: z.literal("requests"),
	session_id: sessionId,
	requests: z.array(requestSchema).min(1).max(REQUESTS_PER_LINE),
});

/** The header line. */
export type ExportHeader = z.infer<typeof headerSchema>;
/** A request row of the format. */
export type ExportedRequest = z.infer<typeof requestSchema>;
/** A session row of the format. */
export type ExportedSession = z.infer<typeof sessionSchema>;
/** A session line. */
export type SessionLine = z.infer<typeof sessionLineSchema>;
/** A line of further request rows. */
export type RequestsLine = z.infer<typeof requestsLineSchema>;
/** A line after the header. */
export type DataLine = SessionLine | RequestsLine;

/** A line that is not valid, with what is wrong; nothing of it is applied. */
export class ExportLineError extends Error {
	override readonly name = "ExportLineError";
}

/** The header, or an `ExportLineError` that says what is wrong with it. */
export function parseHeader(line: string): ExportHeader {
	const parsed = headerSchema.safeParse(parseJson(line));
	if (parsed.success) return parsed.data;
	const version = (parseJson(line) as { version?: unknown } | undefined)?.version;
	if (typeof version === "number" && version !== EXPORT_VERSION) {
		throw new ExportLineError(
			`export format version ${version} is not supported; this server reads version ${EXPORT_VERSION}`,
		);
	}
	throw new ExportLineError(
		`the first line must be the header {"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},...}: ${describeIssues(parsed.error)}`,
	);
}

/** A session or requests line, or an `ExportLineError` that says what is wrong with it. */
export function parseDataLine(line: string): DataLine {
	if (line.length > MAX_LINE_CHARS) {
		throw new ExportLineError(`the line is longer than ${MAX_LINE_CHARS} characters`);
	}
	const value = parseJson(line);
	const type = (value as { type?: unknown } | undefined)?.type;
	const schema =
		type === "session" ? sessionLineSchema : type === "requests" ? requestsLineSchema : undefined;
	if (!schema) throw new ExportLineError('"type" must be "session" or "requests"');
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw new ExportLineError(describeIssues(parsed.error));
	return parsed.data;
}

function parseJson(line: string): unknown {
	try {
		return JSON.parse(line);
	} catch {
		throw new ExportLineError("not valid JSON");
	}
}

/** The first few problems, each with its path, e.g. `session.status: Invalid option`. */
function describeIssues(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
		.join("; ");
}
