ALTER TABLE `archon_mcp_sessions` ADD `log_level` text;--> statement-breakpoint
ALTER TABLE `archon_mcp_sessions` ADD `revival_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `archon_mcp_sessions` ADD `revived_at` integer;