/**
 * Size bounds of Archon's fields, so every stored row and every result stays
 * small enough for a model's context and for D1's row limit (2 MB).
 */
import { z } from "zod";

/** Longest title, in characters. */
export const MAX_TITLE_CHARS = 200;

/** Longest description, in characters. */
export const MAX_DESCRIPTION_CHARS = 20_000;

/** Descriptions in list results are cut to this many characters; get one by id for the whole text. */
export const LIST_DESCRIPTION_CHARS = 500;

/** Most features of a project, and the longest feature name. */
export const MAX_FEATURES = 100;
export const MAX_FEATURE_CHARS = 200;

/** Largest JSON value (project data, document content, a version), in characters of its JSON text. */
export const MAX_JSON_CHARS = 65_536;

/** A bounded title. */
export const titleSchema = z.string().trim().min(1).max(MAX_TITLE_CHARS);

/** A bounded description. */
export const descriptionSchema = z.string().max(MAX_DESCRIPTION_CHARS);

/** A bounded free-text query. */
export const querySchema = z
	.string()
	.max(200)
	.describe("Free text, matched case-insensitively against titles and descriptions.");

/** A JSON value whose text is at most `MAX_JSON_CHARS` characters. */
export const boundedJson = z
	.unknown()
	.refine((value) => value !== undefined && JSON.stringify(value).length <= MAX_JSON_CHARS, {
		message: `must be JSON of at most ${MAX_JSON_CHARS} characters`,
	});
