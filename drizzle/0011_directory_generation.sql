CREATE TABLE "directory_generation" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "directory_generation_one_row" CHECK ("directory_generation"."id" = 1)
);
--> statement-breakpoint
INSERT INTO "directory_generation" ("id", "generation") VALUES (1, 0);
--> statement-breakpoint
-- Every statement that changes the directory moves the generation on, in the same transaction:
-- search pages cached under an older generation are no longer served once the change commits.
CREATE OR REPLACE FUNCTION kizuna_directory_changed() RETURNS trigger AS $$
BEGIN
  UPDATE directory_generation SET generation = generation + 1 WHERE id = 1;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER directory_entries_changed AFTER INSERT OR UPDATE OR DELETE ON directory_entries
  FOR EACH STATEMENT EXECUTE FUNCTION kizuna_directory_changed();
--> statement-breakpoint
CREATE TRIGGER directory_entries_truncated AFTER TRUNCATE ON directory_entries
  FOR EACH STATEMENT EXECUTE FUNCTION kizuna_directory_changed();
