/**
 * find_tasks and manage_task through the Worker, in both eras: the task
 * lifecycle across two sessions, filters and free text, handles checked
 * against the caller, pagination and validation.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Agent, agentOf, ERAS, ok, refused, uniqueWord } from "./helpers/archon";
import { createUser } from "./helpers/identity";

/** A new project of `agent`'s and its handle. */
async function project(agent: Agent, title = "Tasks"): Promise<string> {
	return (await ok(agent, "manage_project", { action: "create", title })).project_id as string;
}

/** The ids of a find_tasks page. */
function ids(page: Record<string, unknown>): string[] {
	return (page.tasks as Array<{ id: string }>).map((task) => task.id);
}

describe.each(ERAS)("tasks (%s era)", (era) => {
	it("creates tasks, moves one to done from a second session, and finds it by free text", async () => {
		const user = await createUser();
		const first = await agentOf(user, era);
		const second = await agentOf(user, era);
		const projectId = await project(first);
		const word = uniqueWord("fix");
		const created = await ok(first, "manage_task", {
			action: "create",
			project_id: projectId,
			title: `Fix the ${word} bug`,
			assignee: "Archon",
			feature: "auth",
			task_order: 5,
		});
		const taskId = created.task_id as string;
		expect(taskId).toMatch(/^tsk_[A-Za-z0-9_-]{22}$/);
		expect(created.task).toMatchObject({ status: "todo", assignee: "Archon", task_order: 5 });
		const other = await ok(first, "manage_task", {
			action: "create",
			project_id: projectId,
			title: "Write docs",
		});
		expect(other.task).toMatchObject({ assignee: "User", status: "todo", feature: null });

		const done = await ok(second, "manage_task", {
			action: "update",
			task_id: taskId,
			status: "done",
		});
		expect(done.task).toMatchObject({ status: "done" });

		expect(ids(await ok(first, "find_tasks", { project_id: projectId }))).toEqual([other.task_id]);
		expect(
			ids(await ok(first, "find_tasks", { project_id: projectId, include_closed: true })),
		).toEqual([taskId, other.task_id]);
		expect(ids(await ok(second, "find_tasks", { query: word, include_closed: true }))).toEqual([
			taskId,
		]);
		expect(
			ids(
				await ok(first, "find_tasks", { filter_by: "status", filter_value: "done", query: word }),
			),
		).toEqual([taskId]);
		expect(
			ids(
				await ok(first, "find_tasks", {
					project_id: projectId,
					filter_by: "assignee",
					filter_value: "User",
				}),
			),
		).toEqual([other.task_id]);
		expect(
			ids(
				await ok(first, "find_tasks", {
					filter_by: "project",
					filter_value: projectId,
					include_closed: true,
				}),
			),
		).toHaveLength(2);

		await ok(first, "manage_task", { action: "delete", task_id: other.task_id });
		expect(await refused(first, "find_tasks", { task_id: other.task_id })).toMatch(/^No task/);
	});

	it("refuses another member's task and project handles, and changes nothing", async () => {
		const owner = await agentOf(await createUser(), era);
		const stranger = await agentOf(await createUser(), era);
		const projectId = await project(owner);
		const { task_id: taskId } = await ok(owner, "manage_task", {
			action: "create",
			project_id: projectId,
			title: "Mine",
		});
		const unknownTask = await refused(stranger, "find_tasks", {
			task_id: "tsk_AAAAAAAAAAAAAAAAAAAAAA",
		});
		const blank = (message: string) => message.replace(/"[^"]*"/g, '"…"');
		for (const args of [
			{ action: "update", task_id: taskId, status: "done" },
			{ action: "delete", task_id: taskId },
		]) {
			expect(blank(await refused(stranger, "manage_task", args))).toBe(blank(unknownTask));
		}
		expect(blank(await refused(stranger, "find_tasks", { task_id: taskId }))).toBe(
			blank(unknownTask),
		);
		expect(
			await refused(stranger, "manage_task", {
				action: "create",
				project_id: projectId,
				title: "Intrude",
			}),
		).toMatch(/^No project/);
		expect(await refused(stranger, "find_tasks", { project_id: projectId })).toMatch(/^No project/);
		const row = await env.DB.prepare("SELECT status FROM archon_tasks WHERE id = ?")
			.bind(taskId)
			.first<{ status: string }>();
		expect(row?.status).toBe("todo");
	});
});

describe("tasks: sharing and moves between projects", () => {
	it("shows a shared task read-only to others, and moves a task only into a project its mover may change", async () => {
		const ownerUser = await createUser();
		const owner = await agentOf(ownerUser, "modern");
		const memberUser = await createUser();
		const member = await agentOf(memberUser, "legacy");
		const projectId = await project(owner);
		const { task_id: taskId } = await ok(owner, "manage_task", {
			action: "create",
			project_id: projectId,
			title: "Shared work",
			shared: true,
		});
		expect((await ok(member, "find_tasks", { task_id: taskId })).task).toMatchObject({
			shared: true,
			owned_by_you: false,
		});
		for (const args of [
			{ action: "update", task_id: taskId, status: "done" },
			{ action: "delete", task_id: taskId },
		]) {
			expect(await refused(member, "manage_task", args)).toBe(
				`Task "${taskId}" is shared with you read-only: only its owner or an admin may change it.`,
			);
		}

		// The member's own task may not be moved into the owner's projects: unseen or read-only.
		const memberProject = await project(member);
		const { task_id: memberTask } = await ok(member, "manage_task", {
			action: "create",
			project_id: memberProject,
			title: "Mine to move",
		});
		const unknown = await refused(member, "find_projects", {
			project_id: "prj_AAAAAAAAAAAAAAAAAAAAAA",
		});
		const blank = (message: string) => message.replace(/"[^"]*"/g, '"…"');
		expect(
			blank(
				await refused(member, "manage_task", {
					action: "update",
					task_id: memberTask,
					project_id: projectId,
				}),
			),
		).toBe(blank(unknown));
		const { project_id: sharedProject } = await ok(owner, "manage_project", {
			action: "create",
			title: "Open board",
			shared: true,
		});
		expect(
			await refused(member, "manage_task", {
				action: "update",
				task_id: memberTask,
				project_id: sharedProject,
			}),
		).toContain("read-only");

		const rows = await env.DB.prepare(
			"SELECT id, project_id, status, user_id FROM archon_tasks WHERE id IN (?, ?) ORDER BY title",
		)
			.bind(taskId, memberTask)
			.all<{ id: string; project_id: string; status: string; user_id: string }>();
		expect(rows.results).toEqual([
			{ id: memberTask, project_id: memberProject, status: "todo", user_id: memberUser.id },
			{ id: taskId, project_id: projectId, status: "todo", user_id: ownerUser.id },
		]);

		// Its owner moves it between their own projects.
		const otherProject = await project(owner, "Second");
		const moved = await ok(owner, "manage_task", {
			action: "update",
			task_id: taskId,
			project_id: otherProject,
		});
		expect(moved.task).toMatchObject({ project_id: otherProject });
	});
});

describe("tasks: pagination and validation", () => {
	it("pages tasks with a cursor, highest task_order first", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		for (let order = 1; order <= 5; order++) {
			await ok(agent, "manage_task", {
				action: "create",
				project_id: projectId,
				title: `Task ${order}`,
				task_order: order,
			});
		}
		const first = await ok(agent, "find_tasks", { project_id: projectId, per_page: 2 });
		const titles = (page: Record<string, unknown>) =>
			(page.tasks as Array<{ title: string }>).map((task) => task.title);
		expect(titles(first)).toEqual(["Task 5", "Task 4"]);
		const cursor = (first.pagination as { next_cursor: string }).next_cursor;
		const next = await ok(agent, "find_tasks", { project_id: projectId, per_page: 2, cursor });
		expect(titles(next)).toEqual(["Task 3", "Task 2"]);
		const last = await ok(agent, "find_tasks", { project_id: projectId, per_page: 2, page: 3 });
		expect(titles(last)).toEqual(["Task 1"]);
		expect(last.pagination).toMatchObject({ has_more: false, next_cursor: null });
	});

	it("refuses a bad status, a missing project_id or title, filter_by without a value, and an empty update", async () => {
		const agent = await agentOf(await createUser(), "legacy");
		const projectId = await project(agent);
		const { task_id: taskId } = await ok(agent, "manage_task", {
			action: "create",
			project_id: projectId,
			title: "t",
		});
		expect(
			await refused(agent, "manage_task", { action: "update", task_id: taskId, status: "blocked" }),
		).toMatch(/status/);
		expect(await refused(agent, "manage_task", { action: "create", title: "t" })).toContain(
			"project_id is required",
		);
		expect(
			await refused(agent, "manage_task", { action: "create", project_id: projectId }),
		).toContain("title is required");
		expect(await refused(agent, "find_tasks", { filter_by: "status" })).toContain("filter_value");
		expect(
			await refused(agent, "find_tasks", { filter_by: "status", filter_value: "blocked" }),
		).toContain("status must be one of");
		expect(await refused(agent, "manage_task", { action: "update", task_id: taskId })).toContain(
			"Nothing to update",
		);
		expect(await refused(agent, "manage_task", { action: "delete" })).toContain(
			"task_id is required",
		);
	});

	it("bounds titles, descriptions, assignees and task_order, and cuts descriptions in lists to 500 characters", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		const word = uniqueWord("long");
		const description = "d".repeat(20_000);
		const { task_id: taskId } = await ok(agent, "manage_task", {
			action: "create",
			project_id: projectId,
			title: word,
			description,
		});
		const [listed] = (await ok(agent, "find_tasks", { query: word })).tasks as Array<{
			description: string;
		}>;
		expect(listed?.description).toHaveLength(500);
		expect(
			((await ok(agent, "find_tasks", { task_id: taskId })).task as { description: string })
				.description,
		).toBe(description);

		for (const [field, value] of [
			["title", "t".repeat(201)],
			["description", "d".repeat(20_001)],
			["assignee", "a".repeat(101)],
			["task_order", 1_000_001],
		] as const) {
			expect(
				await refused(agent, "manage_task", {
					action: "create",
					project_id: projectId,
					title: "bounded",
					[field]: value,
				}),
			).toContain(field);
		}
		expect(await refused(agent, "find_tasks", { query: "q".repeat(201) })).toContain("query");
		const count = await env.DB.prepare(
			"SELECT count(*) AS n FROM archon_tasks WHERE project_id = ?",
		)
			.bind(projectId)
			.first<{ n: number }>();
		expect(count?.n).toBe(1);
	});
});
