CREATE TABLE "need_claims" (
	"id" serial PRIMARY KEY NOT NULL,
	"need_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"hours" real,
	"note" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"served_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" integer,
	"returned_at" timestamp with time zone,
	"return_reason" text,
	"abandoned_at" timestamp with time zone,
	CONSTRAINT "need_claims_hours" CHECK ("need_claims"."hours" is null or ("need_claims"."hours" > 0 and "need_claims"."hours" <= 24))
);
--> statement-breakpoint
CREATE TABLE "needs" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"chat_id" integer,
	"posted_by" integer NOT NULL,
	"suggestion_id" integer,
	"asked_by" integer,
	"text" text NOT NULL,
	"points" integer NOT NULL,
	"capacity" integer DEFAULT 1 NOT NULL,
	"due_date" text,
	"due_at" timestamp with time zone,
	"rating" smallint,
	"rated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needs_capacity" CHECK ("needs"."capacity" between 1 and 100),
	CONSTRAINT "needs_points" CHECK ("needs"."points" between 0 and 1000),
	CONSTRAINT "needs_rating" CHECK ("needs"."rating" is null or "needs"."rating" between 1 and 3),
	CONSTRAINT "needs_due_pair" CHECK (("needs"."due_date" is null) = ("needs"."due_at" is null))
);
--> statement-breakpoint
CREATE TABLE "party_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"unit_id" integer,
	"unit_name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" integer,
	CONSTRAINT "party_members_person_id_unique" UNIQUE("person_id"),
	CONSTRAINT "party_members_confirmed" CHECK (("party_members"."status" = 'confirmed') = ("party_members"."confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"kind" text NOT NULL,
	"points" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"person_id" integer,
	"member_id" integer,
	"unit_id" integer,
	"unit_name" text,
	"need_id" integer,
	"claim_id" integer,
	"whistle_id" integer,
	"corrects_id" integer,
	"reason" text,
	"data" jsonb,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_entries_owner" CHECK ("points_entries"."person_id" is not null or "points_entries"."unit_id" is not null or "points_entries"."unit_name" is not null)
);
--> statement-breakpoint
CREATE TABLE "points_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"register" integer NOT NULL,
	"service" integer NOT NULL,
	"whistle_on_time" integer NOT NULL,
	"abandon" integer NOT NULL,
	"grace_hours" integer NOT NULL,
	"ranking_in_group" boolean NOT NULL,
	"ranking_top" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_rules_ranges" CHECK ("points_rules"."register" >= 0 and "points_rules"."service" >= 0 and "points_rules"."whistle_on_time" >= 0 and "points_rules"."abandon" <= 0 and "points_rules"."grace_hours" >= 0 and "points_rules"."ranking_top" between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_need_id_needs_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."needs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_member_id_party_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_confirmed_by_persons_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_posted_by_persons_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_asked_by_persons_id_fk" FOREIGN KEY ("asked_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_unit_id_member_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."member_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_confirmed_by_persons_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_member_id_party_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."party_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_unit_id_member_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."member_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_need_id_needs_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."needs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_claim_id_need_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."need_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_rules" ADD CONSTRAINT "points_rules_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "need_claims_once" ON "need_claims" USING btree ("need_id","member_id");--> statement-breakpoint
CREATE INDEX "need_claims_person" ON "need_claims" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "needs_community" ON "needs" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "needs_due" ON "needs" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "party_members_community" ON "party_members" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "points_entries_community_at" ON "points_entries" USING btree ("community_id","at");--> statement-breakpoint
CREATE INDEX "points_entries_person" ON "points_entries" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_register_once" ON "points_entries" USING btree ("member_id") WHERE "points_entries"."kind" = 'register';--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_claim_once" ON "points_entries" USING btree ("claim_id","kind") WHERE "points_entries"."kind" in ('service', 'abandon');--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_whistle_once" ON "points_entries" USING btree ("whistle_id") WHERE "points_entries"."kind" = 'whistle';--> statement-breakpoint
CREATE INDEX "points_rules_community" ON "points_rules" USING btree ("community_id","since");