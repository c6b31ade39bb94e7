-- A deleted chat's attachments lose their chat instead of going with it: the rows must outlive
-- the chat until the sweep has deleted their blobs. Cascaded, the rows went and the blobs stayed
-- in the store for good, out of every sweep's sight (attachments.repo.ts › deleteUnsent).
ALTER TABLE "attachments" DROP CONSTRAINT "attachments_chat_id_chats_id_fk";
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE set null ON UPDATE no action;