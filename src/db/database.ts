/**
 * The Drizzle handle on the `DB` binding (D1), checked once so a missing
 * binding fails with a message that says what to add to `wrangler.toml`.
 */
import { is } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as archonSchema from "./archon-schema";
import * as dashboardSchema from "./dashboard-schema";
import * as identitySchema from "./identity-schema";
import * as knowledgeSchema from "./knowledge-schema";
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

/** Wraps the D1 binding in Drizzle. */
export function openDatabase(d1: D1Database | undefined): Database {
	if (!d1) {
		throw new Error(
			'The D1 binding "DB" is missing: add a [[d1_databases]] entry with binding = "DB" to wrangler.toml.',
		);
	}
	return drizzle(d1, { schema });
}

/**
 * True when every table and column of the Drizzle schema exists in D1 (one
 * batch of `SELECT <every column> ... LIMIT 0`, one per table): the
 * migrations in `migrations/` are applied. Throws when D1 does not answer at
 * all; a missing table or column is `false`.
 */
export async function isSchemaMigrated(db: Database): Promise<boolean> {
	const tables = Object.values(schema).filter((value) => is(value, SQLiteTable));
	const [first, ...rest] = tables.map((table) => db.select().from(table).limit(0));
	if (!first) return true;
	try {
		await db.batch([first, ...rest]);
		return true;
	} catch {
		return false;
	}
}
