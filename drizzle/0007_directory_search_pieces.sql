-- The search pieces changed (Latin word prefixes, single kanji and kana): the rows are rebuilt
-- from the profiles by the maintenance job, which runs when the server starts.
DELETE FROM "directory_entries";--> statement-breakpoint
DROP INDEX "directory_trgm_idx";--> statement-breakpoint
DROP INDEX "directory_grams_idx";--> statement-breakpoint
CREATE INDEX "directory_trgm_alumni_idx" ON "directory_entries" USING gin ("search_text" gin_trgm_ops) WHERE audience = 'alumni';--> statement-breakpoint
CREATE INDEX "directory_trgm_staff_idx" ON "directory_entries" USING gin ("search_text" gin_trgm_ops) WHERE audience = 'staff';--> statement-breakpoint
CREATE INDEX "directory_grams_alumni_idx" ON "directory_entries" USING gin ("grams") WHERE audience = 'alumni';--> statement-breakpoint
CREATE INDEX "directory_grams_staff_idx" ON "directory_entries" USING gin ("grams") WHERE audience = 'staff';