ALTER TABLE `studies` ADD `analysis_in_worker` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `strategy_snapshots` ADD `file` text;
