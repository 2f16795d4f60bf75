CREATE TABLE `archon_api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer,
	`session_timeout_seconds` integer,
	FOREIGN KEY (`user_id`) REFERENCES `archon_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `archon_api_tokens_token_hash_unique` ON `archon_api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `idx_archon_api_tokens_user` ON `archon_api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `archon_oauth_client_settings` (
	`client_id` text PRIMARY KEY NOT NULL,
	`session_timeout_seconds` integer
);
--> statement-breakpoint
CREATE TABLE `archon_users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`created_at` integer NOT NULL,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `archon_users_email_unique` ON `archon_users` (`email`);--> statement-breakpoint
ALTER TABLE `archon_mcp_sessions` ADD `user_email` text;--> statement-breakpoint
CREATE INDEX `idx_archon_mcp_sessions_user_status` ON `archon_mcp_sessions` (`user_id`,`status`,`last_activity`);