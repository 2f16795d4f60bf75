/** `LOG_LEVEL=debug` (this project's setting): debug lines are written, such as a reused session's. */
import { describe, expect, it } from "vitest";
import { linesOfAPing } from "../helpers/logs";

describe("log level debug", () => {
	it("writes the debug line of a reused session", async () => {
		const { sessionId, lines } = await linesOfAPing("log-level-debug");
		expect(lines).toContainEqual(
			expect.objectContaining({
				level: "debug",
				event: "session.reused",
				"mcp.session.id": sessionId.slice(0, 8),
			}),
		);
	});
});
