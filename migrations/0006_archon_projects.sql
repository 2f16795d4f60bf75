CREATE TABLE `archon_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text,
	`shared` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`document_type` text NOT NULL,
	`content` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `archon_projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_archon_documents_project_updated` ON `archon_documents` (`project_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `archon_projects` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`shared` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`github_repo` text,
	`pinned` integer DEFAULT false NOT NULL,
	`features` text DEFAULT '[]' NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_archon_projects_user_updated` ON `archon_projects` (`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `archon_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text,
	`shared` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`assignee` text NOT NULL,
	`feature` text,
	`task_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `archon_projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_archon_tasks_project_status` ON `archon_tasks` (`project_id`,`status`,`task_order`);--> statement-breakpoint
CREATE INDEX `idx_archon_tasks_user_updated` ON `archon_tasks` (`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `archon_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text,
	`shared` integer DEFAULT false NOT NULL,
	`field_name` text NOT NULL,
	`version_number` integer NOT NULL,
	`content` text NOT NULL,
	`change_summary` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `archon_projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_archon_versions_project_field_number` ON `archon_versions` (`project_id`,`field_name`,`version_number`);