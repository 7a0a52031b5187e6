ALTER TABLE "processed_updates" ADD COLUMN "delivery" jsonb;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "processed_updates_undelivered" ON "processed_updates" USING btree ("platform","processed_at") WHERE "processed_updates"."delivery" is not null and "processed_updates"."delivered_at" is null;