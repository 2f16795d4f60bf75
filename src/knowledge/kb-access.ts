/**
 * Source and page handles resolved on every call: the row, or a refusal
 * with one "not found" message whatever the reason (malformed, never
 * issued, or removed). The knowledge base is shared, so any caller may see
 * any source or page; nothing here depends on who asks.
 */
import { type HandleKind, isHandle } from "../archon/handles";
import { type ArchonCall, ToolRefusal } from "../archon/tool-call";
import { findPage, findSource, type PageRow, type SourceRow } from "../db/knowledge-queries";

/** Where a model finds handles of each kind. */
const FOUND_WITH = {
	source: "rag_get_available_sources",
	page: "rag_list_pages_for_source or the rag_search_* tools",
} as const;

/** The source `id` names. */
export async function knownSource(call: ArchonCall, id: string): Promise<SourceRow> {
	const row = isHandle("source", id) ? await findSource(call.db, id) : undefined;
	if (!row) throw new ToolRefusal(kbNotFound("source", "source_id", id));
	return row;
}

/** The page `id` names, with its content. */
export async function knownPage(call: ArchonCall, id: string): Promise<PageRow> {
	const row = isHandle("page", id) ? await findPage(call.db, id) : undefined;
	if (!row) throw new ToolRefusal(kbNotFound("page", "page_id", id));
	return row;
}

/** The one message for a source or page handle, or url, that names nothing. */
export function kbNotFound(
	kind: Extract<HandleKind, "source" | "page">,
	argument: string,
	value: string,
): string {
	return `No ${kind} with ${argument} "${value.slice(0, 80)}" is in the knowledge base: it does not exist or was removed. Find ${kind} handles with ${FOUND_WITH[kind]}.`;
}
