import { env } from "cloudflare:workers";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { documents, projects, tasks, versions } from "../src/db/archon-schema";
import { dashboardSessions } from "../src/db/dashboard-schema";
import { apiTokens, oauthClientSettings, users } from "../src/db/identity-schema";
import { kbCodeExamples, kbPages, kbSections, kbSources } from "../src/db/knowledge-schema";
import { mcpRequests, mcpSessions } from "../src/db/schema";

interface ColumnInfo {
	name: string;
	type: string;
	notnull: number;
	pk: number;
}

interface IndexInfo {
	name: string;
	origin: string;
	unique: number;
}

/** What the migrated D1 database says about a table. */
async function migratedShape(table: string) {
	const columns = (await env.DB.prepare(`PRAGMA table_info(${table})`).all<ColumnInfo>()).results;
	const indexes = (await env.DB.prepare(`PRAGMA index_list(${table})`).all<IndexInfo>()).results;
	const created = [];
	for (const index of indexes.filter((i) => i.origin === "c")) {
		const cols = (await env.DB.prepare(`PRAGMA index_info(${index.name})`).all<{ name: string }>())
			.results;
		created.push({
			name: index.name,
			columns: cols.map((c) => c.name),
			unique: index.unique === 1,
		});
	}
	const foreignKeys = (
		await env.DB.prepare(`PRAGMA foreign_key_list(${table})`).all<{
			table: string;
			from: string;
			to: string;
		}>()
	).results.map((fk) => ({ from: fk.from, table: fk.table, to: fk.to }));
	return {
		// ALTER TABLE appends columns, so compare them by name, not by position.
		columns: columns
			.map((c) => ({
				name: c.name,
				type: c.type.toLowerCase(),
				notNull: c.notnull === 1 || c.pk === 1,
				primaryKey: c.pk === 1,
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
		indexes: created.sort((a, b) => a.name.localeCompare(b.name)),
		foreignKeys,
	};
}

/** What the Drizzle schema says about a table. */
function declaredShape(table: SQLiteTable) {
	const config = getTableConfig(table);
	return {
		columns: config.columns
			.map((c) => ({
				name: c.name,
				type: c.getSQLType().toLowerCase(),
				notNull: c.notNull || c.primary,
				primaryKey: c.primary,
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
		indexes: [
			...config.indexes.map((i) => ({
				name: i.config.name,
				columns: i.config.columns.map((c) => (c as { name: string }).name),
				unique: i.config.unique,
			})),
			...config.columns
				.filter((c) => c.isUnique)
				.map((c) => ({ name: c.uniqueName ?? "", columns: [c.name], unique: true })),
		].sort((a, b) => a.name.localeCompare(b.name)),
		foreignKeys: config.foreignKeys.map((fk) => {
			const ref = fk.reference();
			return {
				from: ref.columns[0]?.name,
				table: getTableConfig(ref.foreignTable).name,
				to: ref.foreignColumns[0]?.name,
			};
		}),
	};
}

describe("Drizzle schema and SQL migrations", () => {
	for (const table of [
		mcpSessions,
		mcpRequests,
		users,
		apiTokens,
		oauthClientSettings,
		dashboardSessions,
		projects,
		tasks,
		documents,
		versions,
		kbSources,
		kbPages,
		kbSections,
		kbCodeExamples,
	]) {
		const name = getTableConfig(table).name;
		it(`agree on ${name}: columns, types, nullability, keys and indexes`, async () => {
			const migrated = await migratedShape(name);
			expect(migrated.columns.length).toBeGreaterThan(0);
			expect(migrated).toEqual(declaredShape(table));
		});
	}
});
