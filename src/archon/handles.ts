/**
 * Opaque handles: the ids of projects, tasks, documents and versions. A
 * handle is a kind prefix and 128 random bits; it means nothing by itself and
 * is checked against the caller on every call, so a guessed, foreign or
 * deleted handle gets the same "not found" answer. A handle lives as long as
 * its row: until the row is permanently deleted (archiving keeps it).
 */

/** The kinds of handle and their prefixes. */
export const HANDLE_PREFIX = {
	project: "prj",
	task: "tsk",
	document: "doc",
	version: "ver",
	/** Knowledge base sources and pages (`src/knowledge/`). */
	source: "src",
	page: "pg",
} as const;

/** What a handle refers to. */
export type HandleKind = keyof typeof HANDLE_PREFIX;

/** A new handle of `kind`. */
export function newHandle(kind: HandleKind): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	const text = btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
	return `${HANDLE_PREFIX[kind]}_${text}`;
}

/** True when `value` has the shape of a handle of `kind` (it may still not exist). */
export function isHandle(kind: HandleKind, value: string): boolean {
	return new RegExp(`^${HANDLE_PREFIX[kind]}_[A-Za-z0-9_-]{22}$`).test(value);
}

/** The one message for a handle the caller may not use, whatever the reason. */
export function notFoundMessage(kind: HandleKind, argument: string, value: string): string {
	return `No ${kind} with ${argument} "${value.slice(0, 80)}" is visible to you: it does not exist, was permanently deleted, or belongs to another user. Find ${kind} handles with find_${kind === "project" ? "projects" : `${kind}s`}.`;
}
