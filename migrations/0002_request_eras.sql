-- Hand-edited after drizzle-kit: SQLite cannot drop NOT NULL from session_id in place, so the table
-- is rebuilt; every existing row is a legacy one and takes its caller columns from its session row.
-- D1 runs a migration in one transaction, where PRAGMA foreign_keys is a no-op: defer the checks instead.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_archon_mcp_requests` (
	`request_id` text PRIMARY KEY NOT NULL,
	`session_id` text,
	`era` text NOT NULL,
	`method` text NOT NULL,
	`tool_name` text,
	`timestamp` integer NOT NULL,
	`duration_ms` real NOT NULL,
	`status` text NOT NULL,
	`error_message` text,
	`user_id` text,
	`client_name` text,
	`client_version` text,
	`protocol_version` text,
	FOREIGN KEY (`session_id`) REFERENCES `archon_mcp_sessions`(`session_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_archon_mcp_requests`("request_id", "session_id", "era", "method", "tool_name", "timestamp", "duration_ms", "status", "error_message", "user_id", "client_name", "client_version", "protocol_version") SELECT r."request_id", r."session_id", 'legacy', r."method", r."tool_name", r."timestamp", r."duration_ms", r."status", r."error_message", s."user_id", s."client_name", s."client_version", s."protocol_version" FROM `archon_mcp_requests` r LEFT JOIN `archon_mcp_sessions` s ON s."session_id" = r."session_id";--> statement-breakpoint
DROP TABLE `archon_mcp_requests`;--> statement-breakpoint
ALTER TABLE `__new_archon_mcp_requests` RENAME TO `archon_mcp_requests`;--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_session_time` ON `archon_mcp_requests` (`session_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_method_time` ON `archon_mcp_requests` (`method`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_era_client_time` ON `archon_mcp_requests` (`era`,`client_name`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_user_time` ON `archon_mcp_requests` (`user_id`,`timestamp`);