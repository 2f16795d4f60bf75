/**
 * find_projects, manage_project and get_project_features through the Worker,
 * in both eras: handles checked against the caller, sharing and the admin
 * role, archive and permanent delete, pagination, validation and size bounds.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agentOf, ERAS, ok, refused, uniqueWord } from "./helpers/archon";
import { requestRows } from "./helpers/d1";
import { bearer, createUser, initializeAs, PUBLIC_MCP_URL } from "./helpers/identity";
import { post, readResult, rpc, syncMirror } from "./helpers/mcp";

/** A message with its handles blanked, to compare two "not found" answers. */
function withoutHandles(message: string): string {
	return message.replace(/"[^"]*"/g, '"…"');
}

describe.each(ERAS)("projects (%s era)", (era) => {
	it("creates, reads, updates and lists a project, and returns its features", async () => {
		const agent = await agentOf(await createUser(), era);
		const word = uniqueWord("alpha");
		const created = await ok(agent, "manage_project", {
			action: "create",
			title: `Project ${word}`,
			description: "An edge server",
			features: ["auth", "tools"],
		});
		const id = created.project_id as string;
		expect(id).toMatch(/^prj_[A-Za-z0-9_-]{22}$/);
		expect(created.project).toMatchObject({ title: `Project ${word}`, owned_by_you: true });

		const updated = await ok(agent, "manage_project", {
			action: "update",
			project_id: id,
			description: "An MCP server on the edge",
			pinned: true,
		});
		expect(updated.project).toMatchObject({
			description: "An MCP server on the edge",
			pinned: true,
		});

		const one = await ok(agent, "find_projects", { project_id: id });
		expect(one.project).toMatchObject({ id, features: ["auth", "tools"], archived: false });

		const list = await ok(agent, "find_projects", { query: word });
		expect(list.projects).toEqual([expect.objectContaining({ id })]);
		expect(list.pagination).toEqual({ page: 1, per_page: 10, has_more: false, next_cursor: null });

		expect(await ok(agent, "get_project_features", { project_id: id })).toEqual({
			project_id: id,
			features: ["auth", "tools"],
			count: 2,
		});
	});

	it("refuses another member's handle with the same message as an unknown one, and changes nothing", async () => {
		const owner = await agentOf(await createUser(), era);
		const other = await agentOf(await createUser(), era);
		const { project_id: id } = await ok(owner, "manage_project", {
			action: "create",
			title: "Private",
		});
		const unknown = await refused(other, "find_projects", {
			project_id: "prj_AAAAAAAAAAAAAAAAAAAAAA",
		});
		expect(unknown).toContain("is visible to you");
		for (const [tool, args] of [
			["find_projects", { project_id: id }],
			["get_project_features", { project_id: id }],
			["manage_project", { action: "update", project_id: id, title: "Stolen" }],
			["manage_project", { action: "delete", project_id: id, permanent: true }],
		] as const) {
			expect(withoutHandles(await refused(other, tool, args))).toBe(withoutHandles(unknown));
		}
		expect(await refused(other, "find_projects", { project_id: "not-a-handle" })).toMatch(
			/^No project with project_id/,
		);
		const row = await env.DB.prepare("SELECT title FROM archon_projects WHERE id = ?")
			.bind(id)
			.first<{ title: string }>();
		expect(row?.title).toBe("Private");
		expect((await ok(other, "find_projects", {})).projects).not.toContainEqual(
			expect.objectContaining({ id }),
		);
	});

	it("shows a shared project to others read-only, and lets an admin change anyone's", async () => {
		const owner = await agentOf(await createUser(), era);
		const member = await agentOf(await createUser(), era);
		const admin = await agentOf(await createUser({ role: "admin" }), era);
		const { project_id: id } = await ok(owner, "manage_project", {
			action: "create",
			title: "Team board",
			shared: true,
		});
		expect((await ok(member, "find_projects", { project_id: id })).project).toMatchObject({
			shared: true,
			owned_by_you: false,
		});
		expect(
			await refused(member, "manage_project", { action: "update", project_id: id, title: "x" }),
		).toContain("read-only");
		expect(
			await refused(member, "manage_task", { action: "create", project_id: id, title: "x" }),
		).toContain("read-only");

		const { project_id: hidden } = await ok(owner, "manage_project", {
			action: "create",
			title: "Owner only",
		});
		const changed = await ok(admin, "manage_project", {
			action: "update",
			project_id: hidden,
			title: "Renamed by admin",
		});
		expect(changed.project).toMatchObject({ title: "Renamed by admin", owned_by_you: false });
	});

	it("archives on delete, keeping tasks, restores, and deletes permanently with permanent: true", async () => {
		const agent = await agentOf(await createUser(), era);
		const word = uniqueWord("arch");
		const { project_id: id } = await ok(agent, "manage_project", {
			action: "create",
			title: word,
		});
		const { task_id: taskId } = await ok(agent, "manage_task", {
			action: "create",
			project_id: id,
			title: "kept",
		});

		const archived = await ok(agent, "manage_project", { action: "delete", project_id: id });
		expect(archived).toMatchObject({ deleted: "archived", project: { archived: true } });
		expect((await ok(agent, "find_projects", { query: word })).projects).toEqual([]);
		expect(
			(await ok(agent, "find_projects", { query: word, include_archived: true })).projects,
		).toEqual([expect.objectContaining({ id, archived: true })]);
		expect((await ok(agent, "find_tasks", { task_id: taskId })).task).toMatchObject({
			title: "kept",
		});
		expect(
			await refused(agent, "manage_task", { action: "create", project_id: id, title: "new" }),
		).toContain("archived");

		await ok(agent, "manage_project", { action: "update", project_id: id, archived: false });
		expect((await ok(agent, "find_projects", { query: word })).projects).toHaveLength(1);

		const gone = await ok(agent, "manage_project", {
			action: "delete",
			project_id: id,
			permanent: true,
		});
		expect(gone.deleted).toBe("permanently");
		const rows = await env.DB.prepare(
			"SELECT (SELECT count(*) FROM archon_projects WHERE id = ?1) AS projects, (SELECT count(*) FROM archon_tasks WHERE project_id = ?1) AS tasks",
		)
			.bind(id)
			.first<{ projects: number; tasks: number }>();
		expect(rows).toEqual({ projects: 0, tasks: 0 });
		expect(await refused(agent, "find_projects", { project_id: id })).toMatch(/^No project/);
	});
});

describe.each(ERAS)("projects: a role change (%s era)", (era) => {
	it("applies at the caller's next call, in the same session", async () => {
		const owner = await agentOf(await createUser(), era);
		const { project_id: id } = await ok(owner, "manage_project", {
			action: "create",
			title: "Not shared",
		});
		const adminUser = await createUser({ role: "admin" });
		const admin = await agentOf(adminUser, era);
		const memberUser = await createUser();
		const member = await agentOf(memberUser, era);
		await ok(admin, "manage_project", { action: "update", project_id: id, pinned: true });
		expect(await refused(member, "find_projects", { project_id: id })).toMatch(/^No project/);

		await env.DB.batch([
			env.DB.prepare("UPDATE archon_users SET role = 'member' WHERE id = ?").bind(adminUser.id),
			env.DB.prepare("UPDATE archon_users SET role = 'admin' WHERE id = ?").bind(memberUser.id),
		]);
		expect(
			await refused(admin, "manage_project", { action: "update", project_id: id, pinned: false }),
		).toMatch(/^No project/);
		expect((await ok(member, "find_projects", { project_id: id })).project).toMatchObject({
			pinned: true,
			owned_by_you: false,
		});
	});
});

describe("projects: pagination, validation and size bounds", () => {
	it("pages with a cursor and with page/per_page, and refuses a forged cursor", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const word = uniqueWord("page");
		for (let i = 0; i < 7; i++) {
			await ok(agent, "manage_project", { action: "create", title: `${word} ${i}` });
		}
		const seen: string[] = [];
		let cursor: string | undefined;
		const sizes: number[] = [];
		do {
			const page = await ok(agent, "find_projects", {
				query: word,
				per_page: 3,
				...(cursor ? { cursor } : {}),
			});
			const projects = page.projects as Array<{ id: string }>;
			sizes.push(projects.length);
			seen.push(...projects.map((p) => p.id));
			cursor = (page.pagination as { next_cursor: string | null }).next_cursor ?? undefined;
		} while (cursor);
		expect(sizes).toEqual([3, 3, 1]);
		expect(new Set(seen).size).toBe(7);

		const second = await ok(agent, "find_projects", { query: word, per_page: 3, page: 2 });
		expect((second.projects as Array<{ id: string }>).map((p) => p.id)).toEqual(seen.slice(3, 6));
		expect(await refused(agent, "find_projects", { cursor: "bm9wZQ" })).toContain("cursor");
	});

	it("refuses invalid arguments: a missing title, a per_page over 50, an unknown action, a title over 200 characters", async () => {
		const agent = await agentOf(await createUser(), "legacy");
		expect(await refused(agent, "manage_project", { action: "create" })).toContain(
			"title is required",
		);
		expect(await refused(agent, "find_projects", { per_page: 51 })).toMatch(/per_page/);
		expect(await refused(agent, "manage_project", { action: "archive", title: "x" })).toMatch(
			/action/,
		);
		expect(
			await refused(agent, "manage_project", { action: "create", title: "t".repeat(201) }),
		).toMatch(/title/);
		expect(await refused(agent, "manage_project", { action: "update" })).toContain(
			"project_id is required",
		);
		const { project_id: id } = await ok(agent, "manage_project", { action: "create", title: "p" });
		expect(await refused(agent, "manage_project", { action: "update", project_id: id })).toContain(
			"Nothing to update",
		);
		expect(
			await refused(agent, "manage_project", {
				action: "update",
				project_id: id,
				features: Array.from({ length: 101 }, (_, i) => `f${i}`),
			}),
		).toMatch(/features/);
		expect(await refused(agent, "get_project_features", {})).toMatch(/project_id/);
		expect(await refused(agent, "find_projects", { query: "q".repeat(201) })).toMatch(/query/);
		const row = await env.DB.prepare("SELECT features FROM archon_projects WHERE id = ?")
			.bind(id)
			.first<{ features: string }>();
		expect(row?.features).toBe("[]");
	});

	it("bounds descriptions and data: 20 000 characters stored, 500 in lists, more refused", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const word = uniqueWord("big");
		const description = "d".repeat(20_000);
		const { project_id: id } = await ok(agent, "manage_project", {
			action: "create",
			title: word,
			description,
		});
		const listed = (await ok(agent, "find_projects", { query: word })).projects as Array<{
			description: string;
		}>;
		expect(listed[0]?.description).toHaveLength(500);
		const full = (await ok(agent, "find_projects", { project_id: id })).project as {
			description: string;
		};
		expect(full.description).toBe(description);
		expect(
			await refused(agent, "manage_project", {
				action: "create",
				title: "too long",
				description: "d".repeat(20_001),
			}),
		).toMatch(/description/);
		expect(
			await refused(agent, "manage_project", {
				action: "create",
				title: "too much data",
				data: { blob: "x".repeat(70_000) },
			}),
		).toMatch(/64|65536|data/);
	});
});

describe("projects: tracking", () => {
	it("logs Archon tool calls like any other request, a refusal as an error", async () => {
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		for (const args of [{}, { project_id: "prj_AAAAAAAAAAAAAAAAAAAAAA" }]) {
			const response = await post(rpc("tools/call", { name: "find_projects", arguments: args }), {
				url: PUBLIC_MCP_URL,
				session: sessionId,
				headers: bearer(user.token),
			});
			await readResult(response);
		}
		await syncMirror(sessionId);
		const calls = (await requestRows(sessionId)).filter((row) => row.method === "tools/call");
		expect(calls.map((row) => [row.tool_name, row.status, row.user_id])).toEqual([
			["find_projects", "success", user.id],
			["find_projects", "error", user.id],
		]);
	});
});
