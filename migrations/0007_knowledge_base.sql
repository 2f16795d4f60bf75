CREATE TABLE `kb_code_examples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` text NOT NULL,
	`source_id` text NOT NULL,
	`position` integer NOT NULL,
	`language` text NOT NULL,
	`code` text NOT NULL,
	`summary` text NOT NULL,
	`char_start` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `kb_pages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_kb_code_examples_page` ON `kb_code_examples` (`page_id`,`position`);--> statement-breakpoint
CREATE INDEX `idx_kb_code_examples_language` ON `kb_code_examples` (`language`);--> statement-breakpoint
CREATE TABLE `kb_pages` (
	`id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`content` text NOT NULL,
	`content_hash` text NOT NULL,
	`word_count` integer NOT NULL,
	`section_count` integer NOT NULL,
	`code_example_count` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `kb_sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_kb_pages_source_url` ON `kb_pages` (`source_id`,`url`);--> statement-breakpoint
CREATE TABLE `kb_sections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` text NOT NULL,
	`source_id` text NOT NULL,
	`position` integer NOT NULL,
	`heading` text NOT NULL,
	`content` text NOT NULL,
	`char_start` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `kb_pages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_kb_sections_page` ON `kb_sections` (`page_id`,`position`);--> statement-breakpoint
CREATE TABLE `kb_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`page_count` integer DEFAULT 0 NOT NULL,
	`section_count` integer DEFAULT 0 NOT NULL,
	`code_example_count` integer DEFAULT 0 NOT NULL,
	`word_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idx_kb_sources_name` ON `kb_sources` (`name`);--> statement-breakpoint
-- Written by hand (drizzle-kit does not model virtual tables): FTS5 indexes over the
-- sections and code examples, external-content tables kept in step by triggers, so every
-- write to kb_sections or kb_code_examples updates its index in the same statement.
CREATE VIRTUAL TABLE `kb_sections_fts` USING fts5(
	`heading`, `content`, content='kb_sections', content_rowid='id', tokenize='porter unicode61'
);
--> statement-breakpoint
CREATE TRIGGER `kb_sections_fts_insert` AFTER INSERT ON `kb_sections` BEGIN
	INSERT INTO `kb_sections_fts` (rowid, `heading`, `content`) VALUES (new.`id`, new.`heading`, new.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_sections_fts_delete` AFTER DELETE ON `kb_sections` BEGIN
	INSERT INTO `kb_sections_fts` (`kb_sections_fts`, rowid, `heading`, `content`) VALUES ('delete', old.`id`, old.`heading`, old.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_sections_fts_update` AFTER UPDATE ON `kb_sections` BEGIN
	INSERT INTO `kb_sections_fts` (`kb_sections_fts`, rowid, `heading`, `content`) VALUES ('delete', old.`id`, old.`heading`, old.`content`);
	INSERT INTO `kb_sections_fts` (rowid, `heading`, `content`) VALUES (new.`id`, new.`heading`, new.`content`);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `kb_code_examples_fts` USING fts5(
	`summary`, `code`, content='kb_code_examples', content_rowid='id', tokenize='porter unicode61'
);
--> statement-breakpoint
CREATE TRIGGER `kb_code_examples_fts_insert` AFTER INSERT ON `kb_code_examples` BEGIN
	INSERT INTO `kb_code_examples_fts` (rowid, `summary`, `code`) VALUES (new.`id`, new.`summary`, new.`code`);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_code_examples_fts_delete` AFTER DELETE ON `kb_code_examples` BEGIN
	INSERT INTO `kb_code_examples_fts` (`kb_code_examples_fts`, rowid, `summary`, `code`) VALUES ('delete', old.`id`, old.`summary`, old.`code`);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_code_examples_fts_update` AFTER UPDATE ON `kb_code_examples` BEGIN
	INSERT INTO `kb_code_examples_fts` (`kb_code_examples_fts`, rowid, `summary`, `code`) VALUES ('delete', old.`id`, old.`summary`, old.`code`);
	INSERT INTO `kb_code_examples_fts` (rowid, `summary`, `code`) VALUES (new.`id`, new.`summary`, new.`code`);
END;
