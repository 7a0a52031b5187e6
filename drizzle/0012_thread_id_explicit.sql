ALTER TABLE "polls" ALTER COLUMN "thread_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "suggestions" ALTER COLUMN "thread_id" DROP DEFAULT;