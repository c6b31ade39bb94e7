-- The rev a membership began at (found by a hostile tester, 2026-12): an instance that reads a
-- chat's changes back to fill a hole could not tell a join from a role change, so a join the bus
-- lost arrived as `member.updated`, and a reader who joined stayed a reader to that instance.
-- Rows from before this migration get their last change's rev: a join if nothing changed since.
ALTER TABLE "chat_members" ADD COLUMN "joined_rev" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "chat_members" SET "joined_rev" = "rev";
