/** The server's structured log lines, as a test sees them (`src/log.ts` writes them with `console.log`). */
import { vi } from "vitest";

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
