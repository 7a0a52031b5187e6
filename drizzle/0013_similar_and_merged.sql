ALTER TABLE "suggestions" ADD COLUMN "similarity" "bytea";--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "merged_into" integer;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_merged_into_item" FOREIGN KEY ("community_id","merged_into") REFERENCES "public"."suggestions"("community_id","number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_merged_into" CHECK (("suggestions"."stage" = 'merged') = ("suggestions"."merged_into" is not null));