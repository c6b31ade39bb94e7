import type { Actor } from '../auth/auth.service.js';
import { assertAllowed, type ChatAccess, rules, underLock } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { conflict, notFound } from '../errors.js';
import type { Publish } from '../realtime/bus/bus.js';
import type { ReactionsRepo } from './reactions.repo.js';

/**
 * Reactions, for HTTP and the socket alike. Each change that changes something takes the chat's
 * next rev and is announced as a small delta (`reaction.added`/`reaction.removed`); a repeat is
 * answered the same and announces nothing.
 */
export function createReactionsService(deps: {
  reactions: ReactionsRepo;
  chats: ChatsRepo;
  publish: Publish;
}) {
  const { reactions, publish } = deps;

  /** The message and the actor's access in one query; 404 unless it is a message of `chatId`. */
  async function load(actor: Actor, messageId: string, chatId?: string) {
    const row = isId(messageId)
      ? await deps.chats.findMessageWithMembership(messageId, actor.user.id)
      : undefined;
    if (!row || (chatId !== undefined && row.message.chatId !== chatId)) throw notFound('Message');
    const access: ChatAccess = { chat: row.chat, member: row.member ?? undefined };
    assertAllowed(rules.read(access), 'Not allowed to read this chat');
    const denied = 'Only members may react to messages';
    assertAllowed(rules.react(access), denied);
    // A member removed meanwhile reacts to nothing (decided again under the chat's row lock).
    return { message: row.message, recheck: underLock(actor, access, rules.react, denied) };
  }

  return {
    async add(actor: Actor, messageId: string, emoji: string, chatId?: string): Promise<void> {
      const { message, recheck } = await load(actor, messageId, chatId);
      if (message.deletedAt) throw conflict('The message was deleted');
      const { outcome, live } = await reactions.add(
        message.chatId,
        message.id,
        actor.user.id,
        emoji,
        recheck,
      );
      if (!live) throw conflict('The message was deleted');
      if (!outcome) return;
      publish({
        kind: 'chat',
        chatId: message.chatId,
        event: {
          type: 'reaction.added',
          chatId: message.chatId,
          messageId: message.id,
          emoji,
          user: { id: actor.user.id, username: actor.user.username },
          rev: outcome.rev,
        },
      });
    },

    /** Removing a reaction that is not there (or from a deleted message) changes nothing. */
    async remove(actor: Actor, messageId: string, emoji: string, chatId?: string): Promise<void> {
      const { message, recheck } = await load(actor, messageId, chatId);
      const outcome = await reactions.remove(message.chatId, message.id, actor.user.id, emoji, recheck);
      if (!outcome) return;
      publish({
        kind: 'chat',
        chatId: message.chatId,
        event: {
          type: 'reaction.removed',
          chatId: message.chatId,
          messageId: message.id,
          emoji,
          user: { id: actor.user.id, username: actor.user.username },
          rev: outcome.rev,
        },
      });
    },
  };
}
export type ReactionsService = ReturnType<typeof createReactionsService>;
