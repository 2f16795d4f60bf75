CREATE TABLE `archon_mcp_requests` (
	`request_id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`method` text NOT NULL,
	`tool_name` text,
	`timestamp` integer NOT NULL,
	`duration_ms` real NOT NULL,
	`status` text NOT NULL,
	`error_message` text,
	FOREIGN KEY (`session_id`) REFERENCES `archon_mcp_sessions`(`session_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_session_time` ON `archon_mcp_requests` (`session_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_requests_method_time` ON `archon_mcp_requests` (`method`,`timestamp`);--> statement-breakpoint
CREATE TABLE `archon_mcp_sessions` (
	`session_id` text PRIMARY KEY NOT NULL,
	`client_type` text NOT NULL,
	`client_name` text,
	`client_version` text,
	`client_capabilities` text,
	`protocol_version` text NOT NULL,
	`connected_at` integer NOT NULL,
	`last_activity` integer NOT NULL,
	`disconnected_at` integer,
	`status` text NOT NULL,
	`disconnect_reason` text,
	`total_duration` real,
	`user_id` text,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_sessions_status_activity` ON `archon_mcp_sessions` (`status`,`last_activity`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_sessions_connected_at` ON `archon_mcp_sessions` (`connected_at`);