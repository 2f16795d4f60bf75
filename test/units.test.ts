import { describe, expect, it } from "vitest";
import { formActionSources } from "../src/auth/authorize-html";
import { sha256Hex } from "../src/auth/credentials";
import { readConfig } from "../src/config";
import { isAllowedOrigin, isSameOrigin } from "../src/http/origin";
import { withHeaders } from "../src/http/response-headers";
import { clientTypeOf } from "../src/session/client-type";
import { isSessionId, mintSessionId } from "../src/session/session-id";

describe("client types from the table of known clientInfo.name values", () => {
	it.each([
		["claude-code", "Claude Code"],
		["claude-ai", "Claude Desktop"],
		["cursor-vscode", "Cursor"],
		["windsurf-client", "Windsurf"],
		["Cline", "Cline"],
		["codex-mcp-client", "Codex"],
		["Visual Studio Code", "VS Code"],
		["Visual Studio Code - Insiders", "VS Code"],
		["mcp-inspector", "MCP Inspector"],
		["inspector-cli", "MCP Inspector"],
		["mcp-remote-fallback-test", "mcp-remote"],
		["claude-ai (via mcp-remote 0.1.29)", "mcp-remote"],
		["mcp", "MCP SDK"],
		["rmcp", "MCP SDK"],
		["archon-mcp-client", "Archon Client"],
		// Mastra sends its config key: a name merely containing a product's is not that product.
		["archon", "Other"],
		["my-claude-code-wrapper", "Other"],
		["Claude Code", "Other"],
		["my-own-agent", "Other"],
		["", "Other"],
		[undefined, "Other"],
	])("%s is %s", (name, type) => {
		expect(clientTypeOf(name)).toBe(type);
	});
});

describe("session ids", () => {
	it("are 32 visible ASCII characters, unique, and validated by shape", () => {
		const ids = new Set(Array.from({ length: 1000 }, mintSessionId));
		expect(ids.size).toBe(1000);
		for (const id of ids) {
			expect(isSessionId(id)).toBe(true);
			expect(id).toMatch(/^[\x21-\x7e]+$/);
		}
		for (const bad of ["", "a".repeat(31), "a".repeat(33), `${"a".repeat(31)}=`, null, undefined]) {
			expect(isSessionId(bad)).toBe(false);
		}
	});
});

describe("configuration", () => {
	it("defaults the timeout and parses origins", () => {
		const config = readConfig({
			ALLOWED_ORIGINS: "https://a.example, https://b.example:8443/path",
		});
		expect(config.sessionTimeoutSeconds).toBe(3600);
		expect([...config.allowedOrigins]).toEqual(["https://a.example", "https://b.example:8443"]);
	});

	it("refuses bad values with a message that says what to fix", () => {
		expect(() => readConfig({ SESSION_TIMEOUT_SECONDS: "soon" })).toThrow(
			/SESSION_TIMEOUT_SECONDS/,
		);
		expect(() => readConfig({ SESSION_TIMEOUT_SECONDS: "1" })).toThrow(/between 10 and/);
		expect(() => readConfig({ ALLOWED_ORIGINS: "not a url" })).toThrow(/ALLOWED_ORIGINS/);
	});

	it("defaults the rate limits, DCR and retention, and refuses values out of range", () => {
		expect(readConfig({})).toMatchObject({
			mcpRateLimitPerMinute: 600,
			signInFailuresPerEmailPerHour: 10,
			signInFailuresPerIpPerHour: 100,
			oauthRegistrationsPerIpPerHour: 20,
			oauthDcr: "on",
			requestRetentionDays: 30,
			sessionRetentionDays: 90,
		});
		expect(readConfig({ OAUTH_DCR: "off", REQUEST_RETENTION_DAYS: "7" })).toMatchObject({
			oauthDcr: "off",
			requestRetentionDays: 7,
		});
		expect(() => readConfig({ MCP_RATE_LIMIT_PER_MINUTE: "0" })).toThrow(
			/MCP_RATE_LIMIT_PER_MINUTE must be a whole number between 1 and/,
		);
		expect(() => readConfig({ SESSION_RETENTION_DAYS: "1.5" })).toThrow(/SESSION_RETENTION_DAYS/);
		expect(() => readConfig({ OAUTH_DCR: "maybe" })).toThrow(/OAUTH_DCR must be one of on, off/);
	});

	it("logs at info unless LOG_LEVEL says otherwise, and names the levels it takes", () => {
		expect(readConfig({}).logLevel).toBe("info");
		expect(readConfig({ LOG_LEVEL: " debug " }).logLevel).toBe("debug");
		expect(() => readConfig({ LOG_LEVEL: "verbose" })).toThrow(
			/LOG_LEVEL must be one of debug, info, warn, error/,
		);
	});
});

describe("SHA-256 in hex", () => {
	it("matches the FIPS 180-2 test vectors", async () => {
		expect(await sha256Hex("abc")).toBe(
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		);
		expect(await sha256Hex("")).toBe(
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		);
	});
});

describe("headers added to a built response", () => {
	it("change a response in place when its headers are mutable", async () => {
		const response = new Response("body", { status: 201 });
		const changed = withHeaders(response, (headers) => headers.set("vary", "Origin"));
		expect(changed).toBe(response);
		expect(changed.headers.get("vary")).toBe("Origin");
		expect(await changed.text()).toBe("body");
	});

	it("copy a response whose headers are immutable, keeping its status and headers", () => {
		const redirect = Response.redirect("https://mcp.example.com/next", 302);
		expect(() => redirect.headers.set("vary", "Origin")).toThrow(TypeError);
		const changed = withHeaders(redirect, (headers) => headers.set("vary", "Origin"));
		expect(changed).not.toBe(redirect);
		expect(changed.status).toBe(302);
		expect(changed.headers.get("location")).toBe("https://mcp.example.com/next");
		expect(changed.headers.get("vary")).toBe("Origin");
	});
});

describe("origin rules", () => {
	const allowed = new Set(["https://app.example"]);
	const local = new URL("http://127.0.0.1:8787/mcp");
	const remote = new URL("https://mcp.example.com/mcp");
	it.each([
		[null, remote, true],
		["https://app.example", remote, true],
		["https://mcp.example.com", remote, true],
		["http://localhost:6274", remote, false],
		["http://localhost:6274", local, true],
		["https://evil.example", local, false],
		["null", remote, false],
	])("%s to %s: %s", (origin, url, expected) => {
		expect(isAllowedOrigin(origin, url, allowed)).toBe(expected);
	});

	// /authorize: the server's own origin or none; not the allow-list, other loopback ports or null.
	it.each([
		[null, remote, true],
		["https://mcp.example.com", remote, true],
		["https://app.example", remote, false],
		["null", remote, false],
		["http://127.0.0.1:8787", local, true],
		["http://127.0.0.1:9999", local, false],
		["http://localhost:8787", local, false],
	])("same-origin policy: %s to %s: %s", (origin, url, expected) => {
		expect(isSameOrigin(origin, url)).toBe(expected);
	});
});

describe("configuration errors at the front door", () => {
	it("answer a generic 500 without details", async () => {
		const { default: worker } = await import("../src/worker");
		const { env } = await import("cloudflare:workers");
		const broken = { ...env, SESSION_TIMEOUT_SECONDS: "soon" };
		const response = await worker.fetch(
			new Request("http://localhost/health") as Request<unknown, IncomingRequestCfProperties>,
			broken,
			{
				waitUntil: () => {},
				passThroughOnException: () => {},
				props: {},
			} as unknown as ExecutionContext,
		);
		expect(response.status).toBe(500);
		const body = await response.text();
		expect(JSON.parse(body)).toEqual({
			jsonrpc: "2.0",
			error: { code: -32603, message: "Internal error" },
			id: null,
		});
		expect(body).not.toContain("SESSION_TIMEOUT_SECONDS");
	});
});

describe("form-action of the sign-in page", () => {
	it.each([
		["https://app.example.com/callback", "'self' https://app.example.com"],
		["http://127.0.0.1:33418/callback?x=1", "'self' http://127.0.0.1:33418"],
		["http://localhost:6274/oauth/callback", "'self' http://localhost:6274"],
		["http://[::1]:8000/callback", "'self'"],
		["com.example.app:/callback", "'self'"],
		["not a url", "'self'"],
		[undefined, "'none'"],
	])("%s: %s", (redirectUri, expected) => {
		expect(formActionSources(redirectUri)).toBe(expected);
	});
});
