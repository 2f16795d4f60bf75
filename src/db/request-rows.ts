/**
 * Queries on `archon_mcp_requests`. Every function takes the database first.
 */
import type { RequestRecord } from "../session/session-record";
import type { Database } from "./database";
import { mcpRequests } from "./schema";

/** D1 binds at most 100 parameters per statement; a request row binds 8. */
const ROWS_PER_STATEMENT = 12;

/**
 * Statements inserting request rows, chunked under D1's parameter limit.
 * A row already present is left alone, so a retried mirror write is harmless.
 */
export function insertRequestRows(db: Database, records: readonly RequestRecord[]) {
	const statements = [];
	for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
		const rows = records.slice(start, start + ROWS_PER_STATEMENT).map((record) => ({ ...record }));
		statements.push(db.insert(mcpRequests).values(rows).onConflictDoNothing());
	}
	return statements;
}
