CREATE TABLE "wechat_mp_followers" (
	"openid" text PRIMARY KEY NOT NULL,
	"subscribed" boolean DEFAULT true NOT NULL,
	"current_community_id" integer,
	"last_interaction_at" timestamp with time zone NOT NULL,
	"subscribed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wechat_mp_memberships" (
	"openid" text NOT NULL,
	"community_id" integer NOT NULL,
	"grid_id" integer,
	"chat_id" integer NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wechat_mp_memberships_openid_community_id_pk" PRIMARY KEY("openid","community_id")
);
--> statement-breakpoint
CREATE TABLE "app_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_posts" (
	"poll_id" integer NOT NULL,
	"chat_id" integer NOT NULL,
	"message_id" text,
	CONSTRAINT "poll_posts_poll_id_chat_id_pk" PRIMARY KEY("poll_id","chat_id")
);
--> statement-breakpoint
CREATE TABLE "resident_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"identity_id" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "resident_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"identity_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"via" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "wechat_mp_followers" ADD CONSTRAINT "wechat_mp_followers_current_community_id_communities_id_fk" FOREIGN KEY ("current_community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_mp_memberships" ADD CONSTRAINT "wechat_mp_memberships_openid_wechat_mp_followers_openid_fk" FOREIGN KEY ("openid") REFERENCES "public"."wechat_mp_followers"("openid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_mp_memberships" ADD CONSTRAINT "wechat_mp_memberships_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_mp_memberships" ADD CONSTRAINT "wechat_mp_memberships_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_mp_memberships" ADD CONSTRAINT "wechat_mp_memberships_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_posts" ADD CONSTRAINT "poll_posts_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_posts" ADD CONSTRAINT "poll_posts_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_links" ADD CONSTRAINT "resident_links_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_sessions" ADD CONSTRAINT "resident_sessions_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wechat_mp_memberships_chat" ON "wechat_mp_memberships" USING btree ("chat_id");--> statement-breakpoint
CREATE INDEX "resident_sessions_identity" ON "resident_sessions" USING btree ("identity_id");