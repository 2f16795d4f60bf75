/**
 * Drizzle queries built once per database and run many times, their values
 * bound per call (`sql.placeholder`): for the lookups every authenticated
 * request makes. Building a Drizzle query cost about 0.6 ms of CPU per
 * request (bench/README.md, "Where the time goes"); one `Database` lives per
 * D1 binding (`openDatabase`), so each query is built once per isolate.
 * The batched inserts of the request log cannot be prepared this way (their
 * row count varies per batch), so they cache their SQL per row count instead
 * (`prepared-insert.ts`).
 */
import type { Database } from "./database";

const built = new WeakMap<Database, Map<unknown, unknown>>();

/**
 * The query `build` makes for `db`, built on first use and kept with `db`.
 *
 * @example
 * const byId = (db: Database) => db.query.users.findFirst({ where: eq(users.id, sql.placeholder("id")) }).prepare();
 * const user = await preparedQuery(db, byId).execute({ id });
 */
export function preparedQuery<Query>(db: Database, build: (db: Database) => Query): Query {
	let queries = built.get(db);
	if (!queries) {
		queries = new Map();
		built.set(db, queries);
	}
	let query = queries.get(build) as Query | undefined;
	if (query === undefined) {
		query = build(db);
		queries.set(build, query);
	}
	return query;
}
