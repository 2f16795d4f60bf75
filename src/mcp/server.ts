/**
 * Builds the MCP server both lanes serve: every tool, resource and prompt is
 * defined once here. A legacy session object keeps one for as long as it
 * lives in memory; the modern lane builds one per request.
 */
import { McpServer, type ServerOptions } from "@modelcontextprotocol/server";
import { SERVER_NAME, SERVER_VERSION } from "../version";
import {
	CONFORMANCE_CAPABILITIES,
	conformanceFixturesOn,
	registerConformanceFixtures,
} from "./conformance";
import { requestStateCodec } from "./request-state";
import type { ToolContext } from "./tool-context";
import { registerFindDocuments } from "./tools/find-documents";
import { registerFindProjects } from "./tools/find-projects";
import { registerFindTasks } from "./tools/find-tasks";
import { registerFindVersions } from "./tools/find-versions";
import { registerGetProjectFeatures } from "./tools/get-project-features";
import { registerHealthCheck } from "./tools/health-check";
import { registerManageDocument } from "./tools/manage-document";
import { registerManageProject } from "./tools/manage-project";
import { registerManageTask } from "./tools/manage-task";
import { registerManageVersion } from "./tools/manage-version";
import { registerRagGetAvailableSources } from "./tools/rag-get-available-sources";
import { registerRagListPagesForSource } from "./tools/rag-list-pages-for-source";
import { registerRagReadFullPage } from "./tools/rag-read-full-page";
import { registerRagSearchCodeExamples } from "./tools/rag-search-code-examples";
import { registerRagSearchKnowledgeBase } from "./tools/rag-search-knowledge-base";
import { registerSessionInfo } from "./tools/session-info";

/**
 * Cache hints of the 2026-07-28 cacheable results (`ttlMs`, `cacheScope`;
 * 2025 answers never carry them). What `server/discover` and the lists say
 * changes only with a deployment and is the same for every user, so shared
 * caches may keep it for 5 minutes; a resource read stays the SDK's
 * conservative default (not cached, private).
 */
const CACHE_HINTS: ServerOptions["cacheHints"] = {
	"server/discover": { ttlMs: 300_000, cacheScope: "public" },
	"tools/list": { ttlMs: 300_000, cacheScope: "public" },
	"prompts/list": { ttlMs: 300_000, cacheScope: "public" },
	"resources/list": { ttlMs: 300_000, cacheScope: "public" },
	"resources/templates/list": { ttlMs: 300_000, cacheScope: "public" },
};

/** The tools every session offers, one registration function per file in `tools/`. */
const TOOLS = [
	registerHealthCheck,
	registerSessionInfo,
	registerFindProjects,
	registerManageProject,
	registerGetProjectFeatures,
	registerFindTasks,
	registerManageTask,
	registerFindDocuments,
	registerManageDocument,
	registerFindVersions,
	registerManageVersion,
	registerRagGetAvailableSources,
	registerRagSearchKnowledgeBase,
	registerRagSearchCodeExamples,
	registerRagListPagesForSource,
	registerRagReadFullPage,
] as const;

/** Where a legacy session keeps its `resources/subscribe` subscriptions (its stored record). */
export interface ResourceSubscriptions {
	subscribe(uri: string): void;
	unsubscribe(uri: string): void;
}

/** What a lane with somewhere to keep state across requests hands the server. */
export interface McpServerOptions {
	/** Subscriptions of a legacy session; absent where nothing outlives the request. */
	readonly subscriptions?: ResourceSubscriptions;
}

/** Creates an MCP server with every tool registered against `context`. */
export function createMcpServer(context: ToolContext, options: McpServerOptions = {}): McpServer {
	const fixtures = conformanceFixturesOn(context.env);
	const server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION, title: "Archon MCP" },
		{
			capabilities: { tools: {}, logging: {}, ...(fixtures ? CONFORMANCE_CAPABILITIES : {}) },
			instructions:
				"Archon MCP server: a command center for coding agents. Find or create a project (find_projects, manage_project), then track its work as tasks (find_tasks, manage_task: todo → doing → review → done) keep its JSON documents (find_documents, manage_document) and snapshot or restore its docs, features and data (find_versions, manage_version). Ids are opaque handles (prj_…, tsk_…, doc_…, ver_…) that only you — or everyone, when shared — can use. Search the team's shared knowledge base of documentation with rag_search_knowledge_base and rag_search_code_examples (list sources with rag_get_available_sources, pages with rag_list_pages_for_source, read one with rag_read_full_page). Call health_check for server status and session_info to see how the server identifies you.",
			cacheHints: CACHE_HINTS,
			// Tampered, expired or another user's requestState is refused with -32602 (src/mcp/request-state.ts).
			requestState: { verify: requestStateCodec(context.env).verify },
		},
	);
	for (const register of TOOLS) register(server, context);
	// Test fixtures of the official conformance suite, only with CONFORMANCE=on (issue 4).
	if (fixtures) registerConformanceFixtures(server, context, options);
	return server;
}
