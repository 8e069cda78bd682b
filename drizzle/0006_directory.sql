-- Trigram matching for directory search (3+ character terms); 2-character terms use the grams column.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "career_positions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"employer" text NOT NULL,
	"title" text,
	"from_month" text,
	"to_month" text
);
--> statement-breakpoint
CREATE TABLE "directory_entries" (
	"user_id" text NOT NULL,
	"audience" text NOT NULL,
	"sort_key" text COLLATE "C" NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"search_text" text NOT NULL,
	"grams" text[] NOT NULL,
	"industry" text,
	"country" text,
	"prefecture" text,
	"skills" text[] NOT NULL,
	"wants" text[] NOT NULL,
	"department_ids" uuid[] NOT NULL,
	"left_year" integer,
	"card" jsonb NOT NULL,
	CONSTRAINT "directory_entries_user_id_audience_pk" PRIMARY KEY("user_id","audience")
);
--> statement-breakpoint
CREATE TABLE "directory_views" (
	"user_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"profiles" integer DEFAULT 0 NOT NULL,
	"searches" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "directory_views_user_id_hour_pk" PRIMARY KEY("user_id","hour")
);
--> statement-breakpoint
CREATE TABLE "member_blocks" (
	"blocker_id" text NOT NULL,
	"blocked_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_blocks_blocker_id_blocked_id_pk" PRIMARY KEY("blocker_id","blocked_id")
);
--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "name_romaji" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "photo_key" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "industry" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "prefecture" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "skills" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "achievements" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "links" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "bio_ja" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "bio_en" text;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "wants" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "contact" text DEFAULT 'no' NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "hidden" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "reviewed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "member_profiles" ADD COLUMN "review_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "career_positions" ADD CONSTRAINT "career_positions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_entries" ADD CONSTRAINT "directory_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_views" ADD CONSTRAINT "directory_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_blocks" ADD CONSTRAINT "member_blocks_blocker_id_users_id_fk" FOREIGN KEY ("blocker_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_blocks" ADD CONSTRAINT "member_blocks_blocked_id_users_id_fk" FOREIGN KEY ("blocked_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "career_positions_user_idx" ON "career_positions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "directory_sort_idx" ON "directory_entries" USING btree ("audience","sort_key","user_id");--> statement-breakpoint
CREATE INDEX "directory_joined_idx" ON "directory_entries" USING btree ("audience","joined_at","user_id");--> statement-breakpoint
CREATE INDEX "directory_updated_idx" ON "directory_entries" USING btree ("audience","updated_at","user_id");--> statement-breakpoint
CREATE INDEX "directory_trgm_idx" ON "directory_entries" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "directory_grams_idx" ON "directory_entries" USING gin ("grams");--> statement-breakpoint
CREATE INDEX "directory_skills_idx" ON "directory_entries" USING gin ("skills");--> statement-breakpoint
CREATE INDEX "directory_wants_idx" ON "directory_entries" USING gin ("wants");--> statement-breakpoint
CREATE INDEX "directory_departments_idx" ON "directory_entries" USING gin ("department_ids");--> statement-breakpoint
CREATE INDEX "directory_left_year_idx" ON "directory_entries" USING btree ("audience","left_year");--> statement-breakpoint
CREATE INDEX "directory_industry_idx" ON "directory_entries" USING btree ("audience","industry");--> statement-breakpoint
CREATE INDEX "directory_location_idx" ON "directory_entries" USING btree ("audience","country","prefecture");--> statement-breakpoint
CREATE INDEX "directory_views_hour_idx" ON "directory_views" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "member_blocks_blocked_idx" ON "member_blocks" USING btree ("blocked_id");--> statement-breakpoint
CREATE INDEX "roster_entries_user_idx" ON "roster_entries" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "roster_entries_department_idx" ON "roster_entries" USING btree ("department_id");