/** `LOG_LEVEL=debug` (this project's setting): debug lines are written, such as a reused session's. */
import { describe, expect, it } from "vitest";
import { loggedLines } from "../helpers/logs";
import { initialize, post, readMessages, rpc } from "../helpers/mcp";

describe("log level debug", () => {
	it("writes the debug line of a reused session", async () => {
		const { sessionId } = await initialize({ clientName: "log-level-debug" });
		const lines = await loggedLines(async () => {
			const response = await post(rpc("ping"), { session: sessionId });
			expect(response.status).toBe(200);
			expect((await readMessages(response))[0]?.result).toEqual({});
		});
		expect(lines).toContainEqual(
			expect.objectContaining({
				level: "debug",
				event: "session.reused",
				"mcp.session.id": sessionId.slice(0, 8),
			}),
		);
	});
});
