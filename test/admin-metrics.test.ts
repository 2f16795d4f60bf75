/**
 * `GET /api/metrics/requests`: the request log of both eras, grouped by era
 * and client, for admins.
 */
import { describe, expect, it } from "vitest";
import { bearer, createUser, PUBLIC_ORIGIN } from "./helpers/identity";
import { callTool, fetchWorker, initialize, syncMirror } from "./helpers/mcp";
import { envelope, postModern } from "./helpers/modern";

const METRICS_URL = `${PUBLIC_ORIGIN}/api/metrics/requests`;

describe("request metrics", () => {
	it("group both eras by client for an admin; members are refused", async () => {
		const since = Date.now();
		const { sessionId } = await initialize({ clientName: "metrics-legacy" });
		await callTool(sessionId, "health_check");
		await syncMirror(sessionId);
		for (let i = 0; i < 2; i++) {
			await postModern("tools/list", {}, { meta: envelope("metrics-modern") });
		}

		const admin = await createUser({ role: "admin" });
		const response = await fetchWorker(`${METRICS_URL}?since=${since}`, {
			headers: bearer(admin.token),
		});
		expect(response.status).toBe(200);
		const { groups } = (await response.json()) as {
			groups: Array<{ era: string; clientName: string; requests: number; errors: number }>;
		};
		const ours = groups.filter((group) => group.clientName.startsWith("metrics-"));
		expect(ours.sort((a, b) => a.era.localeCompare(b.era))).toEqual([
			expect.objectContaining({ era: "legacy", clientName: "metrics-legacy", requests: 2 }),
			expect.objectContaining({ era: "modern", clientName: "metrics-modern", requests: 2 }),
		]);

		const member = await createUser();
		const refused = await fetchWorker(METRICS_URL, { headers: bearer(member.token) });
		expect(refused.status).toBe(403);
		const bad = await fetchWorker(`${METRICS_URL}?since=soon`, { headers: bearer(admin.token) });
		expect(bad.status).toBe(400);
	});
});
