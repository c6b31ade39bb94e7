-- Every departure is kept, keyed by its rev: one row per chat and user let a second departure
-- (re-added, then removed again) overwrite the first's rev, and a catch-up across both (a hole
-- the hub fills after a lost bus message) forwarded what came between the two to the user's
-- still-subscribed socket, as if they had never left.
DROP INDEX "chat_departures_chat_id_rev_idx";--> statement-breakpoint
ALTER TABLE "chat_departures" DROP CONSTRAINT "chat_departures_pkey";
--> statement-breakpoint
ALTER TABLE "chat_departures" ADD CONSTRAINT "chat_departures_pkey" PRIMARY KEY("chat_id","rev");