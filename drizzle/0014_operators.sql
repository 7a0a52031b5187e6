CREATE TABLE "web_operators" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"can_write" boolean DEFAULT false NOT NULL,
	"granted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "web_operators" ADD CONSTRAINT "web_operators_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;