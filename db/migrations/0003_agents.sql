CREATE TABLE `agent_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`trial_number` integer NOT NULL,
	`params` text NOT NULL,
	`from_epoch` integer NOT NULL,
	`to_epoch` integer NOT NULL,
	`seed` integer NOT NULL,
	`status` text NOT NULL,
	`agent` text,
	`lease_expires_at` integer,
	`last_epoch` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_jobs_study_status` ON `agent_jobs` (`study_id`,`status`);--> statement-breakpoint
CREATE TABLE `agent_tokens` (
	`study_id` integer PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
