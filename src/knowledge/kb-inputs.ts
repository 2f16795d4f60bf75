/**
 * Arguments the `rag_*` tools share, with Archon's snake_case names.
 */
import { z } from "zod";
import { DEFAULT_MATCH_COUNT, MAX_MATCH_COUNT } from "./limits";

/** A free-text search query. */
export const searchQuery = z
	.string()
	.min(1)
	.max(500)
	.describe(
		"What to look for, in plain words (2 to 6 keywords work best). Words are matched with stemming, in any order; operators and quotes are read as plain words.",
	);

/** A source handle narrowing a search or naming a source. */
export const sourceIdInput = z
	.string()
	.max(100)
	.describe("A source handle (src_…) from rag_get_available_sources.");

/** Archon's `match_count`: hits per call, also the page size of the cursor. */
export const matchCount = z
	.number()
	.int()
	.min(1)
	.max(MAX_MATCH_COUNT)
	.optional()
	.describe(
		`How many results to return, 1 to ${MAX_MATCH_COUNT} (default ${DEFAULT_MATCH_COUNT}). Pass next_cursor back as cursor for the next ones.`,
	);

/** The cursor of a search or list. */
export const cursorInput = z
	.string()
	.max(200)
	.optional()
	.describe("next_cursor of a previous call with the same arguments: continues from there.");
