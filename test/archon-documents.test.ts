/**
 * find_documents and manage_document through the Worker, in both eras: JSON
 * content, types and tags, handles checked against the caller, pagination,
 * validation and size bounds.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Agent, agentOf, ERAS, ok, refused } from "./helpers/archon";
import { createUser } from "./helpers/identity";

/** A new project of `agent`'s and its handle. */
async function project(agent: Agent): Promise<string> {
	return (await ok(agent, "manage_project", { action: "create", title: "Docs" }))
		.project_id as string;
}

describe.each(ERAS)("documents (%s era)", (era) => {
	it("creates, reads, lists without content, filters, updates and deletes a document", async () => {
		const agent = await agentOf(await createUser(), era);
		const projectId = await project(agent);
		const content = { sections: [{ heading: "Goal", body: "Ship the edge server" }] };
		const created = await ok(agent, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Spec",
			document_type: "spec",
			content,
			tags: ["mvp"],
		});
		const id = created.document_id as string;
		expect(id).toMatch(/^doc_[A-Za-z0-9_-]{22}$/);
		await ok(agent, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Notes",
		});

		expect((await ok(agent, "find_documents", { document_id: id })).document).toMatchObject({
			title: "Spec",
			document_type: "spec",
			tags: ["mvp"],
			content,
		});
		const listed = await ok(agent, "find_documents", { project_id: projectId });
		expect(listed.count).toBe(2);
		for (const document of listed.documents as Array<Record<string, unknown>>) {
			expect(document.content).toBeUndefined();
		}
		const specs = await ok(agent, "find_documents", {
			project_id: projectId,
			document_type: "spec",
		});
		expect((specs.documents as Array<{ id: string }>).map((d) => d.id)).toEqual([id]);
		const byText = await ok(agent, "find_documents", { project_id: projectId, query: "edge" });
		expect((byText.documents as Array<{ id: string }>).map((d) => d.id)).toEqual([id]);

		const updated = await ok(agent, "manage_document", {
			action: "update",
			document_id: id,
			content: { done: true },
		});
		expect(updated.document).toMatchObject({ content: { done: true }, title: "Spec" });
		await ok(agent, "manage_document", { action: "delete", document_id: id });
		expect(await refused(agent, "find_documents", { document_id: id })).toMatch(/^No document/);
	});

	it("refuses another member's document and project handles, and changes nothing", async () => {
		const owner = await agentOf(await createUser(), era);
		const stranger = await agentOf(await createUser(), era);
		const projectId = await project(owner);
		const { document_id: id } = await ok(owner, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Secret",
		});
		const blank = (message: string) => message.replace(/"[^"]*"/g, '"…"');
		const unknown = await refused(stranger, "find_documents", {
			document_id: "doc_AAAAAAAAAAAAAAAAAAAAAA",
		});
		for (const [tool, args] of [
			["find_documents", { document_id: id }],
			["manage_document", { action: "update", document_id: id, title: "x" }],
			["manage_document", { action: "delete", document_id: id }],
		] as const) {
			expect(blank(await refused(stranger, tool, args))).toBe(blank(unknown));
		}
		expect(await refused(stranger, "find_documents", { project_id: projectId })).toMatch(
			/^No project/,
		);
		expect(
			await refused(stranger, "manage_document", {
				action: "create",
				project_id: projectId,
				title: "x",
			}),
		).toMatch(/^No project/);
		const row = await env.DB.prepare("SELECT title FROM archon_documents WHERE id = ?")
			.bind(id)
			.first<{ title: string }>();
		expect(row?.title).toBe("Secret");
	});
});

describe("documents: sharing", () => {
	it("shows a shared document, content included, read-only to others", async () => {
		const owner = await agentOf(await createUser(), "legacy");
		const member = await agentOf(await createUser(), "modern");
		const projectId = await project(owner);
		const { document_id: id } = await ok(owner, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Team notes",
			content: { body: "shared" },
			shared: true,
		});
		expect((await ok(member, "find_documents", { document_id: id })).document).toMatchObject({
			content: { body: "shared" },
			shared: true,
			owned_by_you: false,
		});
		for (const args of [
			{ action: "update", document_id: id, content: { body: "changed" } },
			{ action: "delete", document_id: id },
		]) {
			expect(await refused(member, "manage_document", args)).toBe(
				`Document "${id}" is shared with you read-only: only its owner or an admin may change it.`,
			);
		}
		const row = await env.DB.prepare("SELECT content FROM archon_documents WHERE id = ?")
			.bind(id)
			.first<{ content: string }>();
		expect(row?.content).toBe('{"body":"shared"}');
	});
});

describe("documents: pagination, validation and size bounds", () => {
	it("pages documents with a cursor", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		for (let i = 0; i < 3; i++) {
			await ok(agent, "manage_document", {
				action: "create",
				project_id: projectId,
				title: `D${i}`,
			});
		}
		const first = await ok(agent, "find_documents", { project_id: projectId, per_page: 2 });
		expect(first.count).toBe(2);
		const cursor = (first.pagination as { next_cursor: string }).next_cursor;
		const next = await ok(agent, "find_documents", { project_id: projectId, per_page: 2, cursor });
		expect(next.count).toBe(1);
		expect(next.pagination).toMatchObject({ has_more: false, next_cursor: null });
	});

	it("refuses content over 64 KiB, a missing project_id, and too many tags", async () => {
		const agent = await agentOf(await createUser(), "legacy");
		const projectId = await project(agent);
		expect(
			await refused(agent, "manage_document", {
				action: "create",
				project_id: projectId,
				title: "big",
				content: { text: "x".repeat(70_000) },
			}),
		).toMatch(/content/);
		expect(await refused(agent, "find_documents", {})).toContain("project_id is required");
		expect(
			await refused(agent, "manage_document", {
				action: "create",
				project_id: projectId,
				title: "tags",
				tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
			}),
		).toMatch(/tags/);
	});

	it("refuses a missing title or document_id, an empty update, and an over-long title or type", async () => {
		const agent = await agentOf(await createUser(), "modern");
		const projectId = await project(agent);
		const { document_id: id } = await ok(agent, "manage_document", {
			action: "create",
			project_id: projectId,
			title: "Doc",
		});
		expect(
			await refused(agent, "manage_document", { action: "create", project_id: projectId }),
		).toContain("title is required");
		expect(await refused(agent, "manage_document", { action: "update", title: "x" })).toContain(
			"document_id is required",
		);
		expect(
			await refused(agent, "manage_document", { action: "update", document_id: id }),
		).toContain("Nothing to update");
		for (const [field, value] of [
			["title", "t".repeat(201)],
			["document_type", "k".repeat(101)],
		] as const) {
			expect(
				await refused(agent, "manage_document", {
					action: "update",
					document_id: id,
					[field]: value,
				}),
			).toContain(field);
		}
		const row = await env.DB.prepare(
			"SELECT title, document_type FROM archon_documents WHERE id = ?",
		)
			.bind(id)
			.first<{ title: string; document_type: string }>();
		expect(row).toEqual({ title: "Doc", document_type: "note" });
	});
});
