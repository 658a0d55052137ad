CREATE TABLE `strategy_snapshots` (
	`study_id` integer PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
