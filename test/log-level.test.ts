/**
 * `LOG_LEVEL` as deployed (`info`, wrangler.toml): a debug line is never
 * written, info lines are. The strict-config project runs with `debug`
 * (`test/strict-config/log-level-debug.test.ts`).
 */
import { describe, expect, it } from "vitest";
import { linesOfAPing } from "./helpers/logs";

describe("log level info", () => {
	it("drops the debug line of a reused session and keeps the request's info line", async () => {
		const { lines } = await linesOfAPing("log-level-info");
		const events = lines.map((line) => line.event);
		expect(events).toContain("mcp.request");
		expect(events).not.toContain("session.reused");
		expect(lines.every((line) => line.level !== "debug")).toBe(true);
	});
});
