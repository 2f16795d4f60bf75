/**
 * find_versions and manage_version through the Worker, in both eras:
 * snapshots of features, data and docs, restore with a backup, handles
 * checked against the caller, pagination and validation.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Agent, agentOf, ERAS, ok, refused } from "./helpers/archon";
import { createUser } from "./helpers/identity";

/** A new project of `agent`'s with `features`, and its handle. */
async function project(agent: Agent, features: string[] = []): Promise<string> {
	return (await ok(agent, "manage_project", { action: "create", title: "Versions", features }))
		.project_id as string;
}

describe.each(ERAS)("versions (%s era)", (era) => {
	it("snapshots features, lists versions, and restores one after backing up the current value", async () => {
		const agent = await agentOf(await createUser(), era);
		const projectId = await project(agent, ["auth"]);
		const v1 = await ok(agent, "manage_version", {
			action: "create",
			project_id: projectId,
			field_name: "features",
			change_summary: "first cut",
		});
		expect(v1.version).toMatchObject({ field_name: "features", version_number: 1 });
		const versionId = (v1.version as { id: string }).id;
		expect(versionId).toMatch(/^ver_[A-Za-z0-9_-]{22}$/);

		await ok(agent, "manage_project", {
			action: "update",
			project_id: projectId,
			features: ["auth", "billing"],
		});
		const restored = await ok(agent, "manage_version", {
			action: "restore",
			project_id: projectId,
			field_name: "features",
			version_number: 1,
		});
		expect(restored.backup).toMatchObject({ version_number: 2 });
		expect((await ok(agent, "get_project_features", { project_id: projectId })).features).toEqual([
			"auth",
		]);

		const listed = await ok(agent, "find_versions", { project_id: projectId });
		expect(listed.count).toBe(2);
		expect(
			(
				await ok(agent, "find_versions", {
					project_id: projectId,
					field_name: "features",
					version_number: 2,
				})
			).version,
		).toMatchObject({ content: ["auth", "billing"] });
		expect((await ok(agent, "find_versions", { version_id: versionId })).version).toMatchObject({
			content: ["auth"],
			change_summary: "first cut",
		});
	});

	it("snapshots docs and restores the project's documents", async () => {
		const agent = await agentOf(await createUser(), era);
		const projectId = await project(agent);
		await ok(agent, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Spec",
			content: { v: 1 },
		});
		const saved = await ok(agent, "manage_version", {
			action: "create",
			project_id: projectId,
			field_name: "docs",
		});
		const docs = await ok(agent, "find_documents", { project_id: projectId });
		const docId = (docs.documents as Array<{ id: string }>)[0]?.id;
		await ok(agent, "manage_document", { action: "delete", document_id: docId });
		await ok(agent, "manage_version", {
			action: "restore",
			project_id: projectId,
			version_id: (saved.version as { id: string }).id,
		});
		const after = await ok(agent, "find_documents", { project_id: projectId });
		const [restored] = after.documents as Array<{ id: string; title: string }>;
		expect(restored?.title).toBe("Spec");
		expect(
			(await ok(agent, "find_documents", { document_id: restored?.id })).document,
		).toMatchObject({
			content: { v: 1 },
		});
	});

	it("refuses another member's project and version handles", async () => {
		const owner = await agentOf(await createUser(), era);
		const stranger = await agentOf(await createUser(), era);
		const projectId = await project(owner, ["x"]);
		const { version } = await ok(owner, "manage_version", {
			action: "create",
			project_id: projectId,
			field_name: "features",
		});
		const versionId = (version as { id: string }).id;
		const blank = (message: string) => message.replace(/"[^"]*"/g, '"…"');
		const unknown = await refused(stranger, "find_versions", {
			version_id: "ver_AAAAAAAAAAAAAAAAAAAAAA",
		});
		expect(blank(await refused(stranger, "find_versions", { version_id: versionId }))).toBe(
			blank(unknown),
		);
		expect(await refused(stranger, "find_versions", { project_id: projectId })).toMatch(
			/^No project/,
		);
		expect(
			await refused(stranger, "manage_version", {
				action: "create",
				project_id: projectId,
				field_name: "data",
			}),
		).toMatch(/^No project/);
		const mine = await project(stranger);
		expect(
			await refused(stranger, "manage_version", {
				action: "restore",
				project_id: mine,
				version_id: versionId,
			}),
		).toMatch(/^No version/);
	});
});

describe("versions: sharing and size bounds", () => {
	it("lets others list a shared project's versions but not snapshot or restore it; a stranger's restore gets not found", async () => {
		const owner = await agentOf(await createUser(), "modern");
		const member = await agentOf(await createUser(), "legacy");
		const { project_id: shared } = await ok(owner, "manage_project", {
			action: "create",
			title: "Shared versions",
			features: ["a"],
			shared: true,
		});
		await ok(owner, "manage_version", {
			action: "create",
			project_id: shared,
			field_name: "features",
		});
		expect((await ok(member, "find_versions", { project_id: shared })).count).toBe(1);
		for (const args of [
			{ action: "create", project_id: shared, field_name: "features" },
			{ action: "restore", project_id: shared, field_name: "features", version_number: 1 },
		]) {
			expect(await refused(member, "manage_version", args)).toContain("read-only");
		}

		const hidden = await project(owner, ["b"]);
		await ok(owner, "manage_version", {
			action: "create",
			project_id: hidden,
			field_name: "features",
		});
		expect(
			await refused(member, "manage_version", {
				action: "restore",
				project_id: hidden,
				field_name: "features",
				version_number: 1,
			}),
		).toMatch(/^No project with project_id/);
		const rows = await env.DB.prepare(
			"SELECT count(*) AS n FROM archon_versions WHERE project_id IN (?, ?)",
		)
			.bind(shared, hidden)
			.first<{ n: number }>();
		expect(rows?.n).toBe(2);
	});

	it("follows its project's visibility now: an admin's snapshot of a member's project is the member's; unsharing hides older versions", async () => {
		const owner = await agentOf(await createUser(), "legacy");
		const admin = await agentOf(await createUser({ role: "admin" }), "modern");
		const other = await agentOf(await createUser(), "modern");
		const { project_id: projectId } = await ok(owner, "manage_project", {
			action: "create",
			title: "Watched",
			features: ["a"],
			shared: true,
		});
		const { version } = await ok(admin, "manage_version", {
			action: "create",
			project_id: projectId,
			field_name: "features",
		});
		const versionId = (version as { id: string }).id;
		expect((await ok(owner, "find_versions", { project_id: projectId })).count).toBe(1);
		await ok(owner, "find_versions", { version_id: versionId });
		await ok(other, "find_versions", { version_id: versionId });

		await ok(owner, "manage_project", { action: "update", project_id: projectId, shared: false });
		expect(await refused(other, "find_versions", { version_id: versionId })).toMatch(/^No version/);
		await ok(owner, "manage_version", {
			action: "restore",
			project_id: projectId,
			version_id: versionId,
		});
	});

	it("refuses a snapshot over 256 KiB and writes no version", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		for (let i = 0; i < 5; i++) {
			await ok(agent, "manage_document", {
				action: "create",
				project_id: projectId,
				title: `Chapter ${i}`,
				content: { text: "x".repeat(60_000) },
			});
		}
		expect(
			await refused(agent, "manage_version", {
				action: "create",
				project_id: projectId,
				field_name: "docs",
			}),
		).toMatch(/^The docs of this project is \d+ characters of JSON, over the 262144/);
		const rows = await env.DB.prepare(
			"SELECT count(*) AS n FROM archon_versions WHERE project_id = ?",
		)
			.bind(projectId)
			.first<{ n: number }>();
		expect(rows?.n).toBe(0);
	});
});

describe("versions: pagination and validation", () => {
	it("pages versions with a cursor, and refuses missing or bad arguments", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		for (let i = 0; i < 3; i++) {
			await ok(agent, "manage_version", {
				action: "create",
				project_id: projectId,
				field_name: "data",
			});
		}
		const first = await ok(agent, "find_versions", { project_id: projectId, per_page: 2 });
		expect(first.count).toBe(2);
		const cursor = (first.pagination as { next_cursor: string }).next_cursor;
		const next = await ok(agent, "find_versions", { project_id: projectId, per_page: 2, cursor });
		expect(next.count).toBe(1);

		expect(
			await refused(agent, "manage_version", { action: "create", project_id: projectId }),
		).toContain("field_name is required");
		expect(
			await refused(agent, "manage_version", {
				action: "create",
				project_id: projectId,
				field_name: "title",
			}),
		).toMatch(/field_name/);
		expect(
			await refused(agent, "manage_version", {
				action: "restore",
				project_id: projectId,
				field_name: "data",
				version_number: 99,
			}),
		).toContain("No version 99");
		expect(await refused(agent, "find_versions", {})).toContain("project_id is required");
	});
});
