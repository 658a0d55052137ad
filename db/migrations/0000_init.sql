CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`trial_id` integer,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_study` ON `events` (`study_id`,`id`);--> statement-breakpoint
CREATE TABLE `measurements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trial_id` integer NOT NULL,
	`epoch` integer NOT NULL,
	`value` real,
	`extra` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`trial_id`) REFERENCES `trials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `measurements_trial_epoch` ON `measurements` (`trial_id`,`epoch`);--> statement-breakpoint
CREATE TABLE `studies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`objective` text NOT NULL,
	`metric` text NOT NULL,
	`direction` text NOT NULL,
	`strategy` text NOT NULL,
	`space` text NOT NULL,
	`budget_kind` text NOT NULL,
	`budget_value` integer NOT NULL,
	`max_epochs` integer NOT NULL,
	`parallelism` integer NOT NULL,
	`seed` integer NOT NULL,
	`patience` integer,
	`epoch_delay_ms` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`best_value` real,
	`best_trial_id` integer,
	`best_epoch` integer,
	`epochs_spent` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `trials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`study_id` integer NOT NULL,
	`number` integer NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`parent_trial_id` integer,
	`start_epoch` integer DEFAULT 0 NOT NULL,
	`target_epoch` integer NOT NULL,
	`last_epoch` integer DEFAULT 0 NOT NULL,
	`best_value` real,
	`best_epoch` integer,
	`reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trials_study_number` ON `trials` (`study_id`,`number`);--> statement-breakpoint
CREATE INDEX `trials_study_status` ON `trials` (`study_id`,`status`);