/**
 * The Worker's HTTP app: CORS, `/health`, the sign-in page, `/api` and `/mcp`
 * (whose front door is `mcp-route.ts`). The Worker entry has already checked
 * Host and Origin and authentication (`src/worker.ts`).
 * Errors are mapped to JSON-RPC error responses in one place.
 */
import { Hono } from "hono";
import {
	authorizeMethodNotAllowed,
	showAuthorizePage,
	submitAuthorizePage,
} from "../auth/authorize-page";
import { createDashboardRoutes } from "../dashboard/dashboard-routes";
import { errorResponse, JsonRpcCode, McpHttpError } from "../errors";
import { createAdminRoutes } from "./admin-routes";
import { cors } from "./cors";
import { createExportRoutes } from "./export-routes";
import { healthRoute } from "./health-route";
import { createKbRoutes } from "./kb-routes";
import { mcpDelete, mcpGet, mcpMethodNotAllowed, mcpPost } from "./mcp-route";
import { createMetricsRoutes } from "./metrics-routes";

/** Creates the app. The Worker entry default-exports one instance. */
export function createApp() {
	const app = new Hono<{ Bindings: Env }>();
	app.use("*", cors());
	app.get("/health", healthRoute);
	// Liveness without dependencies: also the ceiling the benchmark compares tool calls against.
	app.get("/health/live", (c) => c.text("ok"));
	app.get("/authorize", showAuthorizePage);
	app.post("/authorize", submitAuthorizePage);
	app.all("/authorize", authorizeMethodNotAllowed);
	app.route("/dashboard", createDashboardRoutes());
	// Before `/api`: the metrics API also admits the dashboard's sign-in (src/dashboard/viewer.ts).
	app.route("/api/metrics", createMetricsRoutes());
	app.route("/api/sessions", createExportRoutes());
	app.route("/api/kb", createKbRoutes());
	app.route("/api", createAdminRoutes());
	app.post("/mcp", mcpPost);
	app.delete("/mcp", mcpDelete);
	app.get("/mcp", mcpGet);
	app.on(["PUT", "PATCH"], "/mcp", mcpMethodNotAllowed);
	app.notFound(() => errorResponse(new McpHttpError(404, JsonRpcCode.ServerError, "Not Found")));
	app.onError((error) => errorResponse(error));
	return app;
}
