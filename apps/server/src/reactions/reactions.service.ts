import type { Actor } from '../auth/auth.service.js';
import { assertAllowed, rules } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { conflict } from '../errors.js';
import type { MessagesRepo } from '../messages/messages.repo.js';
import { loadMessageFor } from '../messages/messages.service.js';
import type { Publish } from '../realtime/bus/bus.js';
import type { ReactionsRepo } from './reactions.repo.js';

/**
 * Reactions, for HTTP and the socket alike. Each change that changes something takes the chat's
 * next rev and is announced as a small delta (`reaction.added`/`reaction.removed`); a repeat is
 * answered the same and announces nothing.
 */
export function createReactionsService(deps: {
  reactions: ReactionsRepo;
  messages: MessagesRepo;
  chats: ChatsRepo;
  publish: Publish;
}) {
  const { reactions, publish } = deps;

  async function load(actor: Actor, messageId: string, chatId?: string) {
    const { message, access } = await loadMessageFor(deps, actor, messageId, chatId);
    assertAllowed(rules.react(access), 'Only members may react to messages');
    return message;
  }

  return {
    async add(actor: Actor, messageId: string, emoji: string, chatId?: string): Promise<void> {
      const message = await load(actor, messageId, chatId);
      if (message.deletedAt) throw conflict('The message was deleted');
      const { outcome, live } = await reactions.add(message.chatId, message.id, actor.user.id, emoji);
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
      const message = await load(actor, messageId, chatId);
      const outcome = await reactions.remove(message.chatId, message.id, actor.user.id, emoji);
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
