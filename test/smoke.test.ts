import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers /health", async () => {
	const response = await exports.default.fetch("http://localhost/health");
	expect(response.status).toBe(200);
	const body = await response.json();
	expect(body).toMatchObject({ status: "healthy" });
});

it("initializes", async () => {
	const response = await exports.default.fetch("http://localhost/mcp", {
		method: "POST",
		headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: 1,
			method: "initialize",
			params: {
				protocolVersion: "2025-11-25",
				capabilities: {},
				clientInfo: { name: "claude-code", version: "2.0.0" },
			},
		}),
	});
	console.log(response.status, [...response.headers], await response.text());
	expect(response.status).toBe(200);
});
