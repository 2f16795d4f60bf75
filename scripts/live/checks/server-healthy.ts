/**
 * Check 1: the server reports itself healthy, D1 included.
 */
import { type Check, expect } from "../check-runner.ts";
import type { LiveContext } from "../live-context.ts";

/** GET /health answers 200 with `status: "healthy"`. */
export const serverHealthy: Check<LiveContext> = {
	name: "server healthy (/health)",
	async run({ server }) {
		const response = await fetch(`${server.origin}/health`);
		const body = (await response.json()) as { status?: string };
		expect(
			response.status === 200 && body.status === "healthy",
			`GET /health answered ${response.status} ${JSON.stringify(body)}`,
		);
	},
};
