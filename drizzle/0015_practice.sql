CREATE TABLE "follows" (
	"suggestion_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"following" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "follows_suggestion_id_person_id_pk" PRIMARY KEY("suggestion_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_checkins" (
	"meeting_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "meeting_checkins_meeting_id_person_id_pk" PRIMARY KEY("meeting_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "objections" (
	"id" serial PRIMARY KEY NOT NULL,
	"community_id" integer NOT NULL,
	"suggestion_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "answer_within_minutes" integer DEFAULT 10080 NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "minutes" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "held_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "held_by" integer;--> statement-breakpoint
ALTER TABLE "quarterly_chairs" ADD COLUMN "meeting_late_reminder_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "answer_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "answer_escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "party_members" ADD COLUMN "kind" text DEFAULT 'party' NOT NULL;--> statement-breakpoint
ALTER TABLE "owners_votes" ADD COLUMN "buildings" jsonb;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_checkins" ADD CONSTRAINT "meeting_checkins_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_checkins" ADD CONSTRAINT "meeting_checkins_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "objections_suggestion" ON "objections" USING btree ("suggestion_id");--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_held_by_persons_id_fk" FOREIGN KEY ("held_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communities" ADD CONSTRAINT "communities_answer_within" CHECK ("communities"."answer_within_minutes" between 60 and 525600);--> statement-breakpoint
-- Items raised before answer times existed and already past the default 7 days: counted as unanswered,
-- but not reminded and escalated all at once on the first start (hand-written; keep when regenerating).
UPDATE "suggestions" SET "answer_reminded_at" = now(), "answer_escalated_at" = now() WHERE "answered_at" IS NULL AND "created_at" < now() - interval '7 days';
