/**
 * Typed reads of D1 rows. A column of the wrong type means the database does
 * not have the schema this tool was written for, which is reported as such.
 */
import type { D1Row } from "./d1-command.ts";
import { failure } from "./errors.ts";

/** Text column that must be present. */
export function textColumn(row: D1Row, column: string): string {
	const value = row[column];
	if (typeof value !== "string") throw schemaMismatch(column, value);
	return value;
}

/** Integer column that must be present. */
export function integerColumn(row: D1Row, column: string): number {
	const value = row[column];
	if (typeof value !== "number") throw schemaMismatch(column, value);
	return value;
}

/** Nullable integer column. */
export function nullableIntegerColumn(row: D1Row, column: string): number | null {
	const value = row[column];
	if (value === null) return null;
	if (typeof value !== "number") throw schemaMismatch(column, value);
	return value;
}

function schemaMismatch(column: string, value: unknown) {
	return failure(
		`D1 returned ${JSON.stringify(value)} for ${column}; are the migrations applied? (npm run db:migrate:local, or wrangler d1 migrations apply DB --remote)`,
	);
}
