/**
 * The Drizzle handle on the `DB` binding (D1), checked once so a missing
 * binding fails with a message that says what to add to `wrangler.toml`.
 */
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as archonSchema from "./archon-schema";
import * as identitySchema from "./identity-schema";
import * as mirrorSchema from "./schema";

const schema = { ...mirrorSchema, ...identitySchema, ...archonSchema };

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
