CREATE TABLE "poll_nudges" (
	"poll_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_nudges_poll_id_person_id_pk" PRIMARY KEY("poll_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "grid_workers" (
	"grid_id" integer NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grid_workers_grid_id_platform_platform_user_id_pk" PRIMARY KEY("grid_id","platform","platform_user_id")
);
--> statement-breakpoint
CREATE TABLE "member_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"node_id" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_nodes" (
	"id" serial PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"community_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_nodes_slug_unique" UNIQUE("slug"),
	CONSTRAINT "org_nodes_community_id_unique" UNIQUE("community_id"),
	CONSTRAINT "org_nodes_community_link" CHECK (("org_nodes"."level" = 'community') = ("org_nodes"."community_id" is not null)),
	CONSTRAINT "org_nodes_not_own_parent" CHECK ("org_nodes"."parent_id" is null or "org_nodes"."parent_id" <> "org_nodes"."id")
);
--> statement-breakpoint
CREATE TABLE "org_staff" (
	"node_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_staff_node_id_person_id_pk" PRIMARY KEY("node_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "unit_contacts" (
	"unit_id" integer NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_contacts_unit_id_platform_platform_user_id_pk" PRIMARY KEY("unit_id","platform","platform_user_id")
);
--> statement-breakpoint
CREATE TABLE "whistle_escalations" (
	"id" serial PRIMARY KEY NOT NULL,
	"whistle_id" integer NOT NULL,
	"step" text NOT NULL,
	"from_node_id" integer NOT NULL,
	"to_node_id" integer NOT NULL,
	"to_level" text NOT NULL,
	"missed_deadline" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whistles" (
	"id" serial PRIMARY KEY NOT NULL,
	"suggestion_id" integer NOT NULL,
	"community_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"node_id" integer NOT NULL,
	"level" text NOT NULL,
	"chat_id" integer,
	"whistled_by" integer NOT NULL,
	"report_minutes" integer NOT NULL,
	"answer_minutes" integer NOT NULL,
	"report_due_at" timestamp with time zone NOT NULL,
	"answer_due_at" timestamp with time zone NOT NULL,
	"report_deadline" timestamp with time zone NOT NULL,
	"answer_deadline" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone,
	"reported_by" integer,
	"answered_at" timestamp with time zone,
	"answered_by" integer,
	"answer" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whistles_windows" CHECK ("whistles"."report_minutes" >= 1 and "whistles"."answer_minutes" >= 1)
);
--> statement-breakpoint
CREATE TABLE "owner_ballots" (
	"vote_id" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"choice" smallint NOT NULL,
	"person_id" integer NOT NULL,
	"cast_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_at" timestamp with time zone,
	CONSTRAINT "owner_ballots_vote_id_owner_id_pk" PRIMARY KEY("vote_id","owner_id"),
	CONSTRAINT "owner_ballots_choice" CHECK ("owner_ballots"."choice" between 1 and 3)
);
--> statement-breakpoint
CREATE TABLE "owner_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "owner_persons" (
	"owner_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "owner_persons_owner_id_person_id_pk" PRIMARY KEY("owner_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "owners_votes" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"suggestion_id" integer NOT NULL,
	"matter" smallint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"chat_id" integer,
	"deadline" timestamp with time zone NOT NULL,
	"opened_by" integer,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" integer,
	"result" jsonb,
	"outcome" text,
	CONSTRAINT "owners_votes_matter" CHECK ("owners_votes"."matter" between 1 and 9)
);
--> statement-breakpoint
CREATE TABLE "property_owners" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "property_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"building" text NOT NULL,
	"unit" text NOT NULL,
	"area_hundredths" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "property_units_area_positive" CHECK ("property_units"."area_hundredths" > 0)
);
--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "lang" text DEFAULT 'zh' NOT NULL;--> statement-breakpoint
ALTER TABLE "grids" ADD COLUMN "slug" text NOT NULL;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "nudged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "grid_id" integer;--> statement-breakpoint
ALTER TABLE "poll_nudges" ADD CONSTRAINT "poll_nudges_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_nudges" ADD CONSTRAINT "poll_nudges_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_workers" ADD CONSTRAINT "grid_workers_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_units" ADD CONSTRAINT "member_units_node_id_org_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_nodes" ADD CONSTRAINT "org_nodes_parent_id_org_nodes_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_nodes" ADD CONSTRAINT "org_nodes_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_staff" ADD CONSTRAINT "org_staff_node_id_org_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_staff" ADD CONSTRAINT "org_staff_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_contacts" ADD CONSTRAINT "unit_contacts_unit_id_member_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."member_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_escalations" ADD CONSTRAINT "whistle_escalations_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_escalations" ADD CONSTRAINT "whistle_escalations_from_node_id_org_nodes_id_fk" FOREIGN KEY ("from_node_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_escalations" ADD CONSTRAINT "whistle_escalations_to_node_id_org_nodes_id_fk" FOREIGN KEY ("to_node_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_unit_id_member_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."member_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_node_id_org_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."org_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_whistled_by_persons_id_fk" FOREIGN KEY ("whistled_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_reported_by_persons_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_answered_by_persons_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_ballots" ADD CONSTRAINT "owner_ballots_vote_id_owners_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."owners_votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_ballots" ADD CONSTRAINT "owner_ballots_owner_id_property_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."property_owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_ballots" ADD CONSTRAINT "owner_ballots_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_codes" ADD CONSTRAINT "owner_codes_owner_id_property_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."property_owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_codes" ADD CONSTRAINT "owner_codes_used_by_persons_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_persons" ADD CONSTRAINT "owner_persons_owner_id_property_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."property_owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_persons" ADD CONSTRAINT "owner_persons_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD CONSTRAINT "owners_votes_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD CONSTRAINT "owners_votes_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD CONSTRAINT "owners_votes_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD CONSTRAINT "owners_votes_opened_by_persons_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD CONSTRAINT "owners_votes_closed_by_persons_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_owners" ADD CONSTRAINT "property_owners_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_units" ADD CONSTRAINT "property_units_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "property_units" ADD CONSTRAINT "property_units_owner_id_property_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."property_owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "member_units_node_name" ON "member_units" USING btree ("node_id","name");--> statement-breakpoint
CREATE INDEX "org_nodes_parent" ON "org_nodes" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "unit_contacts_user" ON "unit_contacts" USING btree ("platform","platform_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "whistle_escalations_once" ON "whistle_escalations" USING btree ("whistle_id","step","missed_deadline");--> statement-breakpoint
CREATE INDEX "whistles_suggestion" ON "whistles" USING btree ("suggestion_id");--> statement-breakpoint
CREATE INDEX "whistles_unit" ON "whistles" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "whistles_open" ON "whistles" USING btree ("answered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "whistles_one_open_per_unit" ON "whistles" USING btree ("suggestion_id","unit_id") WHERE "whistles"."answered_at" is null;--> statement-breakpoint
CREATE INDEX "owner_persons_person" ON "owner_persons" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "owners_votes_one_open_per_suggestion" ON "owners_votes" USING btree ("suggestion_id") WHERE "owners_votes"."status" = 'open';--> statement-breakpoint
CREATE INDEX "owners_votes_status_deadline" ON "owners_votes" USING btree ("status","deadline");--> statement-breakpoint
CREATE UNIQUE INDEX "property_owners_community_key" ON "property_owners" USING btree ("community_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "property_units_community_unit" ON "property_units" USING btree ("community_id","building","unit");--> statement-breakpoint
CREATE INDEX "property_units_owner" ON "property_units" USING btree ("owner_id");--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grids_community_slug" ON "grids" USING btree ("community_id","slug");--> statement-breakpoint
ALTER TABLE "communities" ADD CONSTRAINT "communities_lang" CHECK ("communities"."lang" in ('zh', 'en'));