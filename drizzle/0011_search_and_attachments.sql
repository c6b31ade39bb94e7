-- Full-text search (GET /api/search). One configuration, 'russian', on purpose: its parser sends
-- ASCII words to the English stemmer (with English stop words) and Cyrillic ones to the Russian
-- stemmer (with Russian stop words), so "messages" finds "message" and "сообщения" finds
-- "сообщение". Adding to_tsvector('english', …) on top would only index Cyrillic words
-- unstemmed, Russian stop words included ("и" would then match almost everything).
-- An expression index, not a column: reading a message never drags a tsvector along, and an
-- edit re-indexes the current body; deleted messages are left out of the index.
CREATE INDEX "messages_search_idx" ON "messages" USING gin (to_tsvector('russian'::regconfig, "body")) WHERE "deleted_at" IS NULL;
--> statement-breakpoint
-- Attachments (docs/PROTOCOL.md › Attachments). A row per upload; its bytes are in the blob
-- store under blob_key (and thumb_key). A send claims its uploads first (chat_id +
-- message_client_id = the send's clientId), so the message an attachment belongs to is the one
-- with (author_id, chat_id, client_id) = (uploader_id, chat_id, message_client_id): found through
-- messages_author_chat_client_key, and a retried send with the same clientId claims them again.
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"uploader_id" uuid NOT NULL,
	"client_id" text NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"width" integer,
	"height" integer,
	"blob_key" text NOT NULL,
	"thumb_key" text,
	"chat_id" uuid,
	"message_client_id" text,
	"position" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_uploader_client_key" UNIQUE("uploader_id","client_id"),
	CONSTRAINT "attachments_kind_check" CHECK ("attachments"."kind" in ('image', 'file'))
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_claim_idx" ON "attachments" USING btree ("uploader_id","chat_id","message_client_id");--> statement-breakpoint
CREATE INDEX "attachments_created_at_idx" ON "attachments" USING btree ("created_at");--> statement-breakpoint
-- What a message shows of its attachments, kept on the row so that every path that reads
-- messages (pages, changes, events, search, the chat list) carries them with no extra query.
ALTER TABLE "messages" ADD COLUMN "attachments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Filled from the send's claimed uploads as the message is inserted, so send_messages() needs
-- no change; a message without claimed uploads costs one index probe.
CREATE FUNCTION messages_fill_attachments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', a.id, 'name', a.name, 'size', a.size, 'mime', a.mime, 'kind', a.kind,
           'width', a.width, 'height', a.height, 'thumbnail', a.thumb_key IS NOT NULL)
         ORDER BY a.position, a.id), '[]'::jsonb)
    INTO NEW.attachments
    FROM attachments a
   WHERE a.uploader_id = NEW.author_id AND a.chat_id = NEW.chat_id
     AND a.message_client_id = NEW.client_id;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER messages_fill_attachments BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_fill_attachments();
