/**
 * Archon's projects, their tasks, documents and versions, in D1. Every row is
 * owned by a user (`user_id`; null when auth is off on loopback) and seen by
 * that user, by admins, and by everyone when `shared` is set
 * (`src/db/visibility.ts`). Ids are opaque handles (`src/archon/handles.ts`).
 * JSON columns hold JSON text. Times are Unix epoch milliseconds.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Where a task stands. */
export type TaskStatus = "todo" | "doing" | "review" | "done";

/** The project fields a version snapshots. */
export type VersionedField = "docs" | "features" | "data";

/** A body of work: its features and free-form data live on the row; tasks and documents in their tables. */
export const projects = sqliteTable(
	"archon_projects",
	{
		id: text("id").primaryKey(),
		userId: text("user_id"),
		shared: integer("shared", { mode: "boolean" }).notNull().default(false),
		title: text("title").notNull(),
		description: text("description").notNull().default(""),
		githubRepo: text("github_repo"),
		pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
		/** JSON array of feature names. */
		features: text("features").notNull().default("[]"),
		/** JSON of anything else the project keeps. */
		data: text("data").notNull().default("{}"),
		/** Set by `manage_project` delete without `permanent`: hidden from lists, tasks kept. */
		archivedAt: integer("archived_at"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [index("idx_archon_projects_user_updated").on(table.userId, table.updatedAt)],
);

/** A unit of work inside a project. */
export const tasks = sqliteTable(
	"archon_tasks",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		userId: text("user_id"),
		shared: integer("shared", { mode: "boolean" }).notNull().default(false),
		title: text("title").notNull(),
		description: text("description").notNull().default(""),
		status: text("status").$type<TaskStatus>().notNull(),
		assignee: text("assignee").notNull(),
		feature: text("feature"),
		/** Higher comes first within a status, as in Archon. */
		taskOrder: integer("task_order").notNull().default(0),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [
		index("idx_archon_tasks_project_status").on(table.projectId, table.status, table.taskOrder),
		index("idx_archon_tasks_user_updated").on(table.userId, table.updatedAt),
	],
);

/** A JSON document of a project (a spec, a design, notes), with a type and tags. */
export const documents = sqliteTable(
	"archon_documents",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		userId: text("user_id"),
		shared: integer("shared", { mode: "boolean" }).notNull().default(false),
		title: text("title").notNull(),
		documentType: text("document_type").notNull(),
		/** JSON content. */
		content: text("content").notNull(),
		/** JSON array of tags. */
		tags: text("tags").notNull().default("[]"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [index("idx_archon_documents_project_updated").on(table.projectId, table.updatedAt)],
);

/** An immutable snapshot of one field of a project; restoring one writes a new version. */
export const versions = sqliteTable(
	"archon_versions",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		/** Who took the snapshot. Who may see it is its project's business (src/db/version-queries.ts). */
		userId: text("user_id"),
		/** The project's `shared` when the snapshot was taken; not read: visibility follows the project. */
		shared: integer("shared", { mode: "boolean" }).notNull().default(false),
		fieldName: text("field_name").$type<VersionedField>().notNull(),
		/** 1, 2, 3 … per project and field. */
		versionNumber: integer("version_number").notNull(),
		/** JSON of the field at the time. */
		content: text("content").notNull(),
		changeSummary: text("change_summary").notNull().default(""),
		createdBy: text("created_by").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		uniqueIndex("idx_archon_versions_project_field_number").on(
			table.projectId,
			table.fieldName,
			table.versionNumber,
		),
	],
);
