/** The server's structured log lines, as a test sees them (`src/log.ts` writes them with `console.log`). */
import { expect, vi } from "vitest";
import { initialize, post, readMessages, rpc } from "./mcp";

/** Every JSON line written with `console.log` while `work` runs, parsed (other output is left out). */
export async function loggedLines(
	work: () => Promise<void>,
): Promise<Array<Record<string, unknown>>> {
	const spy = vi.spyOn(console, "log");
	try {
		await work();
		return spy.mock.calls.flatMap(([line]) => {
			try {
				return [JSON.parse(String(line)) as Record<string, unknown>];
			} catch {
				return [];
			}
		});
	} finally {
		spy.mockRestore();
	}
}

/** The lines logged while a new session of `clientName` answers a ping (its second request); and the session. */
export async function linesOfAPing(
	clientName: string,
): Promise<{ sessionId: string; lines: Array<Record<string, unknown>> }> {
	const { sessionId } = await initialize({ clientName });
	const lines = await loggedLines(async () => {
		const response = await post(rpc("ping"), { session: sessionId });
		expect(response.status).toBe(200);
		expect((await readMessages(response))[0]?.result).toEqual({});
	});
	return { sessionId, lines };
}
