/**
 * The Drizzle handle on the `DB` binding (D1), checked once so a missing
 * binding fails with a message that says what to add to `wrangler.toml`.
 */
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as archonSchema from "./archon-schema";
import * as dashboardSchema from "./dashboard-schema";
import * as identitySchema from "./identity-schema";
import * as knowledgeSchema from "./knowledge-schema";
import { quoted } from "./prepared-insert";
import * as mirrorSchema from "./schema";

const schema = {
	...mirrorSchema,
	...identitySchema,
	...dashboardSchema,
	...archonSchema,
	...knowledgeSchema,
};

/** The typed database of this server. */
export type Database = DrizzleD1Database<typeof schema>;

/** One Drizzle instance per D1 binding: `drizzle()` walks the whole schema, which every request would pay for. */
const opened = new WeakMap<D1Database, Database>();

/** Wraps the D1 binding in Drizzle (once per binding and isolate). */
export function openDatabase(d1: D1Database | undefined): Database {
	if (!d1) {
		throw new Error(
			'The D1 binding "DB" is missing: add a [[d1_databases]] entry with binding = "DB" to wrangler.toml.',
		);
	}
	let db = opened.get(d1);
	if (!db) {
		db = drizzle(d1, { schema });
		opened.set(d1, db);
	}
	return db;
}

/**
 * True when every table and column of the Drizzle schema exists in D1: the
 * migrations in `migrations/` are applied. One statement, a join of one empty
 * `SELECT <every column> ... LIMIT 0` per table, which SQLite refuses to
 * prepare if a table or column is missing. Its SQL is built once per isolate:
 * building a Drizzle query per table cost most of `health_check`'s CPU
 * (bench/README.md). False when a table or column is missing, and when D1
 * does not answer at all.
 */
export async function isSchemaMigrated(d1: D1Database): Promise<boolean> {
	schemaProbe ??= schemaProbeSql();
	try {
		await d1.prepare(schemaProbe).all();
		return true;
	} catch {
		return false;
	}
}

let schemaProbe: string | undefined;

function schemaProbeSql(): string {
	const tables = Object.values(schema).filter((value) => is(value, SQLiteTable));
	// SQLite joins at most 64 tables in one statement.
	if (tables.length > 64) throw new Error("the schema probe joins at most 64 tables");
	const probes = tables.map((table, index) => {
		const columns = Object.values(getTableColumns(table)).map((column) => quoted(column.name));
		return `(SELECT ${columns.join(", ")} FROM ${quoted(getTableName(table))} LIMIT 0) AS t${index}`;
	});
	return `SELECT 1 FROM ${probes.join(" CROSS JOIN ")}`;
}
