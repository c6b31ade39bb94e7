import type { ChatDetailResponse, Message, User } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { i18n } from '../i18n';
import { findChat } from '../state/chats';
import { queryKeys } from '../state/query-keys';
import { notifyFactsOf, shouldNotify } from '../state/should-notify';
import { notificationPermission, useNotifyPrefs } from '../stores/notify-prefs.store';
import { useRoute } from '../stores/route.store';
import { previewText } from '../ui/preview';
import { jumpToMessage } from './jump';

/**
 * Browser notifications for one signed-in user (the decision is `shouldNotify`, pure and
 * tested). With several tabs open exactly one shows them: the tab holding the Web Lock
 * `chatsockets.notifier` (the next one takes over when it closes); each notification is also
 * tagged with the message id, so a browser without Web Locks still shows it once.
 */
export class Notifier {
  private leader = typeof navigator === 'undefined' || !('locks' in navigator);
  private release: (() => void) | undefined;

  constructor(
    private readonly qc: QueryClient,
    private readonly self: User,
  ) {
    if (!this.leader) {
      void navigator.locks.request(
        'chatsockets.notifier',
        () =>
          new Promise<void>((resolve) => {
            this.leader = true;
            this.release = resolve;
          }),
      );
    }
  }

  /** A new message arrived live. */
  onMessage(message: Message): void {
    if (!this.leader) return;
    const reason = shouldNotify(
      message,
      this.self,
      findChat(this.qc, message.chatId),
      {
        enabled: useNotifyPrefs.getState().enabled && notificationPermission() === 'granted',
        hidden: document.visibilityState === 'hidden',
      },
      notifyFactsOf(message, this.self),
    );
    if (!reason) return;
    const chat = findChat(this.qc, message.chatId);
    const title =
      reason === 'direct'
        ? message.author.username
        : i18n.t(`people:notify.${reason}`, { name: message.author.username, chat: chat?.title ?? '' });
    const notification = new Notification(title, {
      body: previewText(
        message,
        i18n.t,
        (id) => this.nameOf(message, id),
        i18n.t('compose:mention.unknown'),
      ).slice(0, 200),
      tag: `message:${message.id}`,
      data: { chatId: message.chatId, seq: message.seq },
    });
    notification.onclick = () => {
      window.focus();
      // At this message, highlighted, even when newer ones arrived since (the reply-quote jump).
      useRoute.getState().navigate({ name: 'chat', chatId: message.chatId });
      void jumpToMessage(this.qc, message.chatId, message.seq);
      notification.close();
    };
    if (useNotifyPrefs.getState().sound) beep();
  }

  /**
   * A mention's name as the chat shows it: the reader, the author, or a member where the chat's
   * members are loaded. Without it a mention notification read "hey @…" where it meant you.
   */
  private nameOf(message: Message, id: string): string | undefined {
    if (id === this.self.id) return this.self.username;
    if (id === message.author.id) return message.author.username;
    return this.qc
      .getQueryData<ChatDetailResponse>(queryKeys.chat(message.chatId))
      ?.members.find((m) => m.user.id === id)?.user.username;
  }

  stop(): void {
    this.release?.();
  }
}

/** A short, quiet tone: no audio file to load. */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.05;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.12);
    osc.onended = () => void ctx.close();
  } catch {
    // No audio (autoplay policy, no device): the notification itself is enough.
  }
}
