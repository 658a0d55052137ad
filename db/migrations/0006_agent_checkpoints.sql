ALTER TABLE `agent_jobs` ADD `holder` text;--> statement-breakpoint
ALTER TABLE `agent_jobs` ADD `retrained_epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `trials` ADD `retrained_epochs` integer DEFAULT 0 NOT NULL;
