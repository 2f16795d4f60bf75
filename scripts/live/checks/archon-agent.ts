/**
 * Issue 15's live proof: an agent-like script drives the Archon tools over
 * real HTTP with the project's client library (`dist/client`, built by
 * `npm run build`), as one user (Alice, an API token on the auth server) in
 * two separate sessions of the two eras. A 2025 session creates a project and
 * three tasks; a second client, on 2026-07-28 (no session at all), moves one
 * task to `done` and finds it by free text with that status. Bob's token gets
 * the same "not found" for Alice's task handle as for a handle that never
 * existed. D1 holds the task as done and a request row for every call, with
 * Alice as its user.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ClientLibrary from "../../../src/client/index.ts";
import { pollD1, queryD1, sqlString } from "../../lib/d1.ts";
import { PROJECT_ROOT } from "../../lib/wrangler.ts";
import type { AuthUser } from "../auth-server.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import { type LiveContext, MIRROR_TIMEOUT_MS } from "../live-context.ts";

/** Where `npm run build` puts the client library's entry. */
const CLIENT_ENTRY = join(PROJECT_ROOT, "dist/client/index.js");

type Client = InstanceType<typeof ClientLibrary.MCPClient>;
type ProtocolChoice = ClientLibrary.ProtocolChoice;

/** `clientInfo.name` of the two sessions, so their request rows can be told apart. */
const PLANNER = "archon-live-agent-planner";
const WORKER = "archon-live-agent-worker";

/** The work the planner writes down; the second one is the one the worker finishes. */
const TASK_TITLES = ["Draft the API", "Wire the rate limiter", "Write the runbook"] as const;

export const archonAgent: Check<LiveContext> = {
	name: "agent: project and three tasks in a 2025 session, one moved to done by a 2026-07-28 client, found by free text",
	async run({ auth }) {
		const { server, alice, bob } = await auth.get();
		const { MCPClient } = await loadClientLibrary();
		const open = (user: AuthUser, protocol: ProtocolChoice, clientName: string): Client =>
			new MCPClient({
				url: server.mcpUrl,
				protocol,
				getToken: () => user.token,
				clientName,
				clientVersion: "4.0.0-live",
				timeoutMs: 30_000,
			});
		// A word no other run or check writes, so the free-text search can only find this task.
		const marker = `zq${randomBytes(5).toString("hex")}`;

		// Session 1 (2025 era): the planner creates the project and its tasks.
		const planner = open(alice, "legacy", PLANNER);
		let projectId: string;
		const taskIds: string[] = [];
		let plannerSession: string | undefined;
		try {
			const project = await callOk(planner, "manage_project", {
				action: "create",
				title: `Edge launch ${marker}`,
				description: "Ship the MCP server on Workers.",
				features: ["api", "limits", "ops"],
			});
			projectId = stringField(project, "project_id");
			for (const [index, title] of TASK_TITLES.entries()) {
				const created = await callOk(planner, "manage_task", {
					action: "create",
					project_id: projectId,
					title: index === 1 ? `${title} (${marker})` : title,
					feature: ["api", "limits", "ops"][index],
					task_order: 10 - index,
				});
				taskIds.push(stringField(created, "task_id"));
			}
			expect(planner.protocolEra === "legacy", `the planner spoke ${planner.protocolEra}`);
			plannerSession = planner.sessionId;
			expect(plannerSession, "the planner has no session id");
		} finally {
			await planner.close().catch(() => undefined);
		}
		const target = taskIds[1];
		expect(target, "no task to finish");

		// Session 2 (2026-07-28, no protocol session): the worker finishes a task, then looks it up by text.
		const worker = open(alice, "2026-07-28", WORKER);
		try {
			const updated = await callOk(worker, "manage_task", {
				action: "update",
				task_id: target,
				status: "done",
			});
			expect(
				record(updated.task).status === "done",
				`manage_task update answered ${JSON.stringify(updated.task)}`,
			);
			const found = await callOk(worker, "find_tasks", { query: marker, include_closed: true });
			const tasks = Array.isArray(found.tasks) ? found.tasks.map(record) : [];
			expect(
				tasks.length === 1 && tasks[0]?.id === target && tasks[0]?.status === "done",
				`find_tasks query "${marker}" answered ${JSON.stringify(tasks)}, expected ${target} done`,
			);
			expect(worker.protocolEra === "modern", `the worker spoke ${worker.protocolEra}`);
			expect(worker.sessionId === undefined, `the worker has a session id: ${worker.sessionId}`);
		} finally {
			await worker.close().catch(() => undefined);
		}

		// Bob: Alice's handle and a handle nobody has get one and the same refusal.
		const intruder = open(bob, "2026-07-28", "archon-live-agent-intruder");
		try {
			const unknown = `tsk_${randomBytes(16).toString("base64url")}`;
			const foreign = await refusal(intruder, "find_tasks", { task_id: target });
			const missing = await refusal(intruder, "find_tasks", { task_id: unknown });
			expect(
				foreign.includes("No task with task_id") &&
					foreign.replace(target, "…") === missing.replace(unknown, "…"),
				`Bob's refusals differ: "${foreign}" vs "${missing}"`,
			);
			const change = await refusal(intruder, "manage_task", {
				action: "update",
				task_id: target,
				status: "todo",
			});
			expect(change === foreign, `Bob's update was refused with "${change}"`);
		} finally {
			await intruder.close().catch(() => undefined);
		}

		await expectRows(server.persistDir, alice.email, plannerSession, target);
	},
};

/** The built client library, or a failure that says to build it. */
async function loadClientLibrary(): Promise<typeof ClientLibrary> {
	if (!existsSync(CLIENT_ENTRY)) throw new CheckFailure("client library not built");
	return (await import(pathToFileURL(CLIENT_ENTRY).href)) as typeof ClientLibrary;
}

/** Calls `name` and returns its structuredContent; a tool error fails the check. */
async function callOk(
	client: Client,
	name: string,
	args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
	const result = await client.callTool(name, args);
	expect(result.isError !== true, `${name} ${JSON.stringify(args)}: tool error ${textOf(result)}`);
	return record(result.structuredContent);
}

/** Calls `name`, expects a tool error and returns its text. */
async function refusal(
	client: Client,
	name: string,
	args: Record<string, unknown>,
): Promise<string> {
	const result = await client.callTool(name, args);
	expect(result.isError === true, `${name} ${JSON.stringify(args)} succeeded for Bob`);
	return textOf(result);
}

/**
 * D1 after the calls: the task is Alice's and done, and each call is a
 * request row of Alice's: four writes in the planner's session (2025), the
 * update and the search on the modern lane. Rows are written after the
 * responses, so the query is polled.
 */
async function expectRows(
	persistDir: string,
	email: string,
	plannerSession: string,
	taskId: string,
): Promise<void> {
	const [alice] = await queryD1(
		persistDir,
		`SELECT id FROM archon_users WHERE email = ${sqlString(email)}`,
	);
	const userId = alice?.id;
	expect(typeof userId === "string", `no user row for ${email}`);
	const [task] = await queryD1(
		persistDir,
		`SELECT status, user_id FROM archon_tasks WHERE id = ${sqlString(taskId)}`,
	);
	expect(
		task?.status === "done" && task.user_id === userId,
		`task row is ${JSON.stringify(task)}, expected done and owned by ${userId}`,
	);
	const wanted = [
		"legacy manage_project",
		...TASK_TITLES.map(() => "legacy manage_task"),
		"modern manage_task",
		"modern find_tasks",
	].sort();
	const { rows, accepted } = await pollD1(
		persistDir,
		`SELECT era, tool_name, status FROM archon_mcp_requests
		 WHERE method = 'tools/call' AND user_id = ${sqlString(userId)}
		   AND (session_id = ${sqlString(plannerSession)} OR (era = 'modern' AND client_name = ${sqlString(WORKER)}))`,
		(found) =>
			found.every((row) => row.status === "success") &&
			JSON.stringify(found.map((row) => `${row.era} ${row.tool_name}`).sort()) ===
				JSON.stringify(wanted),
		MIRROR_TIMEOUT_MS,
	);
	expect(accepted, `request rows are ${JSON.stringify(rows)}, expected ${JSON.stringify(wanted)}`);
}

/** The first text part of a tool result. */
function textOf(result: ClientLibrary.CallToolResult): string {
	const part = result.content.find((item) => item.type === "text");
	return part?.type === "text" ? part.text : JSON.stringify(result.content);
}

/** `value` as an object, or an empty one. */
function record(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** A string field of a structured result, or a failure naming it. */
function stringField(content: Record<string, unknown>, key: string): string {
	const value = content[key];
	expect(typeof value === "string", `no ${key} in ${JSON.stringify(content)}`);
	return value;
}
