/**
 * The hot writes of the request log and the session mirror as D1 prepared
 * statements (`D1Database.prepare(...).bind(...)`) rather than Drizzle
 * queries: building a Drizzle insert cost about 0.6 ms of CPU per modern
 * call (bench/README.md, "Where the time goes"). The SQL is derived once, at
 * module load, from the Drizzle table, so its column list cannot drift from
 * the schema (or from the migrations, which a test checks against it).
 */
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** An INSERT of one table: its columns in bind order, and its SQL for a number of rows. */
export interface PreparedInsert<Row> {
	/** The table's columns as Drizzle names them (`Row`'s keys), in the order they are bound. */
	readonly keys: readonly (keyof Row & string)[];
	/** The SQL inserting `rows` rows (cached per count). */
	sql(rows: number): string;
	/** `rows` as one statement's parameters, in bind order; an absent value binds NULL. */
	params(rows: readonly Row[]): unknown[];
}

/**
 * The INSERT of `table`'s every column, followed by `conflict` (an
 * `ON CONFLICT` clause, or empty).
 */
export function preparedInsert<Row extends Record<string, unknown>>(
	table: SQLiteTable,
	conflict: (columns: ReadonlyMap<keyof Row & string, string>) => string,
): PreparedInsert<Row> {
	const columns = new Map<keyof Row & string, string>();
	for (const [key, column] of Object.entries(getTableColumns(table))) {
		columns.set(key as keyof Row & string, quoted(column.name));
	}
	const keys = [...columns.keys()];
	const head = `INSERT INTO ${quoted(getTableName(table))} (${[...columns.values()].join(", ")}) VALUES `;
	const tuple = `(${keys.map(() => "?").join(", ")})`;
	const tail = conflict(columns);
	const bySize = new Map<number, string>();
	return {
		keys,
		sql(rows) {
			let sql = bySize.get(rows);
			if (sql === undefined) {
				sql = `${head}${Array.from({ length: rows }, () => tuple).join(", ")}${tail ? ` ${tail}` : ""}`;
				bySize.set(rows, sql);
			}
			return sql;
		},
		params(rows) {
			const params: unknown[] = [];
			for (const row of rows) for (const key of keys) params.push(row[key] ?? null);
			return params;
		},
	};
}

/** An SQLite identifier in double quotes, as Drizzle writes it. */
export function quoted(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}
