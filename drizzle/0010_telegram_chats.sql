ALTER TABLE "chats" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "inactive_reason" text;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "inactive_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "thread_id" text DEFAULT nullif(current_setting('yishi.thread_id', true), '');--> statement-breakpoint
ALTER TABLE "suggestions" ADD COLUMN "thread_id" text DEFAULT nullif(current_setting('yishi.thread_id', true), '');