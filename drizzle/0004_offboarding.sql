CREATE TABLE "offboardings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"roster_entry_id" uuid NOT NULL,
	"last_day" date NOT NULL,
	"manager_id" text,
	"locale" text DEFAULT 'ja' NOT NULL,
	"contact_email" text NOT NULL,
	"exit_token_hash" text NOT NULL,
	"exit_submitted_at" timestamp with time zone,
	"interests" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confidential_reason" text,
	"manager_requested_at" timestamp with time zone,
	"manager_message" text,
	"manager_written_at" timestamp with time zone,
	"farewell_sent_at" timestamp with time zone,
	"operators_notified_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offboardings_roster_entry_id_unique" UNIQUE("roster_entry_id"),
	CONSTRAINT "offboardings_exit_token_hash_unique" UNIQUE("exit_token_hash")
);
--> statement-breakpoint
ALTER TABLE "offboardings" ADD CONSTRAINT "offboardings_roster_entry_id_roster_entries_id_fk" FOREIGN KEY ("roster_entry_id") REFERENCES "public"."roster_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboardings" ADD CONSTRAINT "offboardings_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboardings" ADD CONSTRAINT "offboardings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "offboardings_last_day_idx" ON "offboardings" USING btree ("last_day");