ALTER TABLE `studies` ADD `analysis_in_worker` integer DEFAULT 0 NOT NULL;
