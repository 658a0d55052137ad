ALTER TABLE `studies` ADD `notes` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `studies` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `studies` ADD `keep_checkpoints` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE `trials` ADD `notes` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `trials` ADD `tags` text DEFAULT '[]' NOT NULL;
