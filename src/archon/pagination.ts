/**
 * Pages of `find_*` lists: Archon's `page`/`per_page`, and an opaque
 * `cursor` that continues where the previous page ended. A page holds at
 * most `MAX_PER_PAGE` rows, so every list result is bounded.
 */
import { z } from "zod";

/** Rows per page unless the caller asks otherwise. */
export const DEFAULT_PER_PAGE = 10;

/** The most rows one page may hold. */
export const MAX_PER_PAGE = 50;

/** The pagination arguments every `find_*` tool takes. */
export const pageInput = {
	page: z.number().int().min(1).max(10_000).optional().describe("Page number, from 1 (default 1)."),
	per_page: z
		.number()
		.int()
		.min(1)
		.max(MAX_PER_PAGE)
		.optional()
		.describe(`Rows per page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE}).`),
	cursor: z
		.string()
		.max(200)
		.optional()
		.describe(
			"next_cursor of a previous call with the same filters: continues the list from there (page is then ignored).",
		),
};

/** What every list result says about its page. */
export const pageOutput = z.object({
	page: z.number().int(),
	per_page: z.number().int(),
	has_more: z.boolean(),
	next_cursor: z.string().nullable(),
});

/** A decoded page request. */
export interface PageRequest {
	readonly page: number;
	readonly perPage: number;
	readonly offset: number;
}

/** The page that `args` ask for, or an error message when the cursor is not one this server issued. */
export function pageRequest(args: {
	page?: number | undefined;
	per_page?: number | undefined;
	cursor?: string | undefined;
}): PageRequest | string {
	const perPage = args.per_page ?? DEFAULT_PER_PAGE;
	if (args.cursor !== undefined) {
		const offset = decodeCursor(args.cursor);
		if (offset === undefined) return "cursor is not a next_cursor this server issued.";
		return { page: Math.floor(offset / perPage) + 1, perPage, offset };
	}
	const page = args.page ?? 1;
	return { page, perPage, offset: (page - 1) * perPage };
}

/** The page of `rows` (fetched with `perPage + 1` as the limit) and what to say about it. */
export function pageOf<T>(rows: readonly T[], request: PageRequest) {
	const hasMore = rows.length > request.perPage;
	return {
		items: rows.slice(0, request.perPage),
		page: {
			page: request.page,
			per_page: request.perPage,
			has_more: hasMore,
			next_cursor: hasMore ? encodeCursor(request.offset + request.perPage) : null,
		},
	};
}

function encodeCursor(offset: number): string {
	return btoa(JSON.stringify({ o: offset })).replace(/=+$/, "");
}

function decodeCursor(cursor: string): number | undefined {
	try {
		const value = JSON.parse(atob(cursor)) as { o?: unknown };
		const offset = value.o;
		return Number.isSafeInteger(offset) && (offset as number) >= 0 ? (offset as number) : undefined;
	} catch {
		return undefined;
	}
}
