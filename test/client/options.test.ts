/**
 * Option checks at construction: a bad option throws a `TypeError` that says
 * how to fix the call, and nothing is sent.
 */
import { describe, expect, it } from "vitest";
import { MCP_CLIENT_DEFAULTS, MCPClient, type MCPClientOptions } from "../../src/client/index";

const URL_OK = "http://localhost/mcp";

describe("MCPClient options", () => {
	it.each<[string, Record<string, unknown>, RegExp]>([
		["a relative url", { url: "/mcp" }, /absolute http\(s\) URL/],
		["a protocol it does not know", { protocol: "2025-06-18" }, /protocol must be one of/],
		["maxRounds below 1", { maxRounds: 0 }, /maxRounds must be a whole number >= 1/],
		["a fractional maxRounds", { maxRounds: 1.5 }, /maxRounds must be a whole number/],
		["a getToken that is a string", { getToken: "secret" }, /getToken must be a function/],
		[
			"an onElicitation that is an object",
			{ onElicitation: {} },
			/onElicitation must be a function/,
		],
	])("rejects %s", (_name, options, message) => {
		expect(() => new MCPClient({ url: URL_OK, ...options } as MCPClientOptions)).toThrow(message);
	});

	it("defaults to protocol auto and 10 input rounds", () => {
		expect(MCP_CLIENT_DEFAULTS).toMatchObject({ protocol: "auto", maxRounds: 10 });
		expect(() => new MCPClient({ url: URL_OK })).not.toThrow();
	});
});
