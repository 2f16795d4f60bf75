CREATE TABLE `archon_dashboard_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `archon_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_archon_dashboard_sessions_user` ON `archon_dashboard_sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_archon_dashboard_sessions_expires` ON `archon_dashboard_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `archon_mcp_requests` ADD `traceparent` text;--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_sessions_disconnected_at` ON `archon_mcp_sessions` (`disconnected_at`);--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_sessions_last_activity` ON `archon_mcp_sessions` (`last_activity`);