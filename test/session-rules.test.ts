/**
 * The pure rules behind revival, unused sessions and bounded strings, table
 * by table; their behaviour at the HTTP boundary is in session-revival,
 * unused-sessions and handshake-validation tests.
 */
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { cutChars, cutUtf8 } from "../src/mcp/stored-strings";
import {
	createSession,
	type EndedSession,
	isRevivable,
	reviveSession,
	touchSession,
} from "../src/session/session-record";

const NOW = 1_800_000_000_000;
const DAY_MS = 24 * 3600 * 1000;
const OWNER = { userId: "u1", email: "u1@example.com", role: "member" } as const;

const HANDSHAKE = {
	clientName: "cursor-vscode",
	clientVersion: "1.2",
	clientCapabilities: { roots: {} },
	protocolVersion: "2025-06-18",
};

const EXPIRED: EndedSession = {
	id: "S".repeat(32),
	status: "expired",
	disconnectReason: "timeout",
	endedAt: NOW - DAY_MS,
	handshake: HANDSHAKE,
	logLevel: "warning",
	connectedAt: NOW - 2 * DAY_MS,
	requestCount: 12,
	handshakeCount: 2,
	revivalCount: 1,
	userId: OWNER.userId,
	userEmail: OWNER.email,
};

describe("isRevivable", () => {
	it.each([
		["idle-expired, same user, 1 day ago, 7-day window", EXPIRED, OWNER, 7, true],
		["revival off", EXPIRED, OWNER, 0, false],
		["past the window", { ...EXPIRED, endedAt: NOW - 8 * DAY_MS }, OWNER, 7, false],
		["another user", EXPIRED, { userId: "u2", email: "u2@example.com", role: "member" }, 7, false],
		["anonymous request, a user's session", EXPIRED, null, 7, false],
		["anonymous session, anonymous request", { ...EXPIRED, userId: null }, null, 7, true],
		[
			"ended by DELETE",
			{ ...EXPIRED, status: "disconnected", disconnectReason: "client_terminated" },
			OWNER,
			7,
			false,
		],
		[
			"revoked",
			{ ...EXPIRED, status: "disconnected", disconnectReason: "revoked" },
			OWNER,
			7,
			false,
		],
		[
			"evicted",
			{ ...EXPIRED, status: "disconnected", disconnectReason: "evicted" },
			OWNER,
			7,
			false,
		],
		[
			"ended by an admin",
			{ ...EXPIRED, status: "disconnected", disconnectReason: "admin_terminated" },
			OWNER,
			7,
			false,
		],
		[
			"still active",
			{ ...EXPIRED, status: "active", disconnectReason: null, endedAt: null },
			OWNER,
			7,
			false,
		],
	] as const)("%s: %s", (_what, ended, owner, windowDays, expected) => {
		expect(isRevivable(ended as EndedSession, owner, NOW, windowDays * 24 * 3600)).toBe(expected);
	});
});

describe("reviveSession", () => {
	it("restores the handshake and log level, keeps the history, counts the revival", () => {
		const record = reviveSession(EXPIRED, NOW, 600);
		expect(record).toMatchObject({
			id: EXPIRED.id,
			status: "active",
			clientType: "Cursor",
			clientName: "cursor-vscode",
			clientVersion: "1.2",
			clientCapabilities: { roots: {} },
			protocolVersion: "2025-06-18",
			logLevel: "warning",
			connectedAt: EXPIRED.connectedAt,
			lastActivity: NOW,
			expiresAt: NOW + 600_000,
			requestCount: 12,
			handshakeCount: 2,
			endedAt: null,
			disconnectReason: null,
			unused: false,
			revivalCount: 2,
			revivedAt: NOW,
		});
	});
});

describe("unused sessions", () => {
	const timeouts = { timeoutSeconds: 3600, unusedTimeoutSeconds: 300 };

	it("a new session expires after the shorter of the two timeouts", () => {
		expect(createSession("a", HANDSHAKE, null, NOW, timeouts).expiresAt).toBe(NOW + 300_000);
		const short = { timeoutSeconds: 60, unusedTimeoutSeconds: 300 };
		expect(createSession("a", HANDSHAKE, null, NOW, short).expiresAt).toBe(NOW + 60_000);
	});

	it("only a request moves an unused session's deadline, and makes it used", () => {
		const created = createSession("a", HANDSHAKE, null, NOW, timeouts);
		const notified = touchSession(created, NOW + 1000, 0);
		expect(notified).toMatchObject({ unused: true, expiresAt: NOW + 300_000 });
		const used = touchSession(notified, NOW + 2000, 1);
		expect(used).toMatchObject({ unused: false, expiresAt: NOW + 2000 + 3_600_000 });
		expect(touchSession(used, NOW + 3000, 0).expiresAt).toBe(NOW + 3000 + 3_600_000);
	});
});

describe("configuration of revival and the unused timeout", () => {
	it("defaults to 7 days and 300 s; 0 turns revival off", () => {
		expect(readConfig({})).toMatchObject({
			sessionRevivalSeconds: 604_800,
			sessionUnusedTimeoutSeconds: 300,
		});
		expect(readConfig({ SESSION_REVIVAL_SECONDS: "0" }).sessionRevivalSeconds).toBe(0);
	});

	it.each([
		[
			"SESSION_REVIVAL_SECONDS",
			"-1",
			/SESSION_REVIVAL_SECONDS must be a whole number of seconds between 0 and 2592000/,
		],
		["SESSION_REVIVAL_SECONDS", "a week", /SESSION_REVIVAL_SECONDS/],
		[
			"SESSION_UNUSED_TIMEOUT_SECONDS",
			"0",
			/SESSION_UNUSED_TIMEOUT_SECONDS must be a whole number of seconds between 10/,
		],
	])("refuses %s=%s with a message that says what to fix", (name, value, message) => {
		expect(() => readConfig({ [name]: value })).toThrow(message);
	});
});

describe("bounded strings", () => {
	it.each([
		["short", 5, "short"],
		["exactly", 7, "exactly"],
		["too long", 4, "too…"],
		["ééééé", 3, "éé…"],
	])("cutChars(%s, %i) is %s", (text, max, expected) => {
		expect(cutChars(text, max)).toBe(expected);
	});

	it.each([
		["ascii", 5, "ascii"],
		["abcdef", 5, "ab…"],
		// é is 2 bytes and … is 3: a cut never splits a character.
		["éééé", 6, "é…"],
	])("cutUtf8(%s, %i) is %s", (text, max, expected) => {
		expect(cutUtf8(text, max)).toBe(expected);
		expect(new TextEncoder().encode(cutUtf8(text, max)).byteLength).toBeLessThanOrEqual(max);
	});
});
