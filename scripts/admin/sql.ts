/**
 * SQL text for `wrangler d1 execute --command`, which takes no bound
 * parameters. Every value goes through the `sql` tag, which quotes it as a
 * literal, so a statement can only be built from the template's own text and
 * quoted values; inputs are also validated first (see `inputs.ts`).
 */

/** A value the `sql` tag can quote: text, a safe integer, or NULL. */
export type SqlValue = string | number | null;

/** A piece of SQL built by the `sql` tag; the only thing `D1Runner` accepts. */
export class Sql {
	/** The SQL text, values already quoted. */
	readonly text: string;

	private constructor(text: string) {
		this.text = text;
	}

	/** Used by the `sql` tag only; everything else goes through the tag. */
	static fromTrustedText(text: string): Sql {
		return new Sql(text);
	}
}

/**
 * Builds a statement, quoting each value: strings as `'...'` with single
 * quotes doubled, integers as digits, null as `NULL`; a nested `Sql` is
 * inserted as it is (it was built by this tag too).
 *
 * @example
 * sql`SELECT id FROM archon_users WHERE email = ${email}`
 */
export function sql(strings: TemplateStringsArray, ...values: ReadonlyArray<SqlValue | Sql>): Sql {
	let text = strings[0] ?? "";
	values.forEach((value, index) => {
		text += quote(value) + (strings[index + 1] ?? "");
	});
	return Sql.fromTrustedText(text);
}

/** `value` as an SQL literal. Throws on values no validator should have let through. */
export function quote(value: SqlValue | Sql): string {
	if (value instanceof Sql) return value.text;
	if (value === null) return "NULL";
	if (typeof value === "number") {
		if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
		return String(value);
	}
	// SQLite ends a string literal at NUL in some code paths; validators refuse it already.
	if (value.includes("\u0000")) throw new TypeError("text contains a NUL character");
	return `'${value.replaceAll("'", "''")}'`;
}
