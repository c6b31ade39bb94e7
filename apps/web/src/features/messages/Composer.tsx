import { EditMessageBodySchema } from '@chatsockets/protocol';
import { useQueryClient } from '@tanstack/react-query';
import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { getChatMessages } from '../../state/messages';
import { useUi } from '../../stores/ui.store';
import { useFieldErrors } from '../../ui/use-field-errors';
import { UploadTray } from './files/UploadTray';
import { useUploads } from './files/use-uploads';
import { MentionSuggestions } from './MentionSuggestions';
import { mentionQueryAt, type Suggestion, suggest, toBody } from './mention-text';
import { ReplyBar } from './ReplyBar';
import { useSendMessage } from './use-send-message';
import { useTypingNotifier } from './use-typing-notifier';

export interface ComposerProps {
  chatId: string;
  selfId: string;
  /** The chat's members, for `@` mentions. */
  members?: ReadonlyArray<{ id: string; username: string; displayName?: string }>;
  /** May mention everyone (`mention-all`). */
  canMentionAll?: boolean;
  /** May edit their own messages (`edit-own`): ↑ in an empty box edits the last one. */
  canEdit?: boolean;
}

/**
 * Enter sends, Shift+Enter adds a line. Sending never waits for the network (see the outbox).
 * `@` offers the chat's members (arrows, Enter/Tab, Escape, or the mouse); `@name` is sent as
 * the member's id (mention-text.ts). ↑ in an empty box edits the caller's last message.
 */
export function Composer({
  chatId,
  selfId,
  members = [],
  canMentionAll = false,
  canEdit = false,
}: ComposerProps) {
  const draft = useUi((s) => s.drafts[chatId] ?? '');
  const setDraft = useUi((s) => s.setDraft);
  const editing = useUi((s) => s.editing);
  const setEditing = useUi((s) => s.setEditing);
  const qc = useQueryClient();
  const send = useSendMessage(chatId, selfId);
  const typing = useTypingNotifier(chatId);
  const v = useFieldErrors<'body'>();
  const error = v.errors.body;
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  // The `@` position whose list the user closed with Escape: it stays closed until that word is gone.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes once the picked mention is in the box. Placed as the value is
  // committed, not a frame later: a key typed in between would land before the caret moved.
  const caretAfterPick = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caretAfterPick.current === null) return;
    box.current?.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
    caretAfterPick.current = null;
  });
  const id = useId();
  const { t } = useTranslation('messages');
  const uploads = useUploads(chatId);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const ready = uploads.items.some((x) => x.status === 'done');
  const focusRequested = useUi((s) => s.focusComposerOf === chatId);
  useEffect(() => {
    if (!focusRequested) return;
    box.current?.focus();
    useUi.getState().requestComposerFocus(null);
  }, [focusRequested]);

  const query = mentionQueryAt(draft, caret);
  const items =
    query && query.start !== dismissedAt ? suggest(members, query.query, { selfId, canMentionAll }) : [];
  const open = items.length > 0;
  const current = Math.min(active, items.length - 1);

  // Back from editing a message (saved or cancelled): the caller goes on typing here.
  const wasEditing = useRef(false);
  useEffect(() => {
    if (editing?.chatId === chatId) wasEditing.current = true;
    else if (wasEditing.current && editing === null) {
      wasEditing.current = false;
      box.current?.focus();
    }
  }, [editing, chatId]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = toBody(draft.trim(), members, canMentionAll);
    if (!body && !ready) return;
    // The protocol's own rule (length after trimming, storable text), said at the field.
    if (body && !v.check(EditMessageBodySchema, { body })) return;
    const { replyTo, setReplyTo } = useUi.getState();
    send(body, { replyToId: replyTo[chatId]?.id, attachments: uploads.take() });
    setReplyTo(chatId, null);
    typing.reset();
    setDraft(chatId, '');
  };

  const pick = (item: Suggestion) => {
    if (!query) return;
    const end = query.start + 1 + query.query.length;
    const text = `${draft.slice(0, query.start)}@${item.name} ${draft.slice(end)}`;
    const at = query.start + item.name.length + 2;
    setDraft(chatId, text);
    setCaret(at);
    setActive(0);
    caretAfterPick.current = at;
  };

  const editLast = () => {
    const own = getChatMessages(qc, chatId)?.messages.findLast(
      (m) => m.author.id === selfId && m.deletedAt === null,
    );
    if (!own) return false;
    setEditing({ chatId, messageId: own.id });
    return true;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (open) {
      const step = { ArrowDown: 1, ArrowUp: -1 }[e.key];
      if (step) {
        e.preventDefault();
        setActive((i) => (i + step + items.length) % items.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(items[current]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissedAt(query!.start);
        return;
      }
    }
    if (e.key === 'ArrowUp' && draft === '' && canEdit && editLast()) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files];
    if (files.length === 0) return;
    e.preventDefault();
    uploads.add(files);
  };
  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    uploads.add([...e.dataTransfer.files]);
  };

  const rows = Math.min(6, Math.max(1, draft.split('\n').length));
  return (
    <form
      className={`composer${dragging ? ' composer--dragging' : ''}`}
      onSubmit={submit}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <ReplyBar chatId={chatId} />
      <UploadTray items={uploads.items} onCancel={uploads.cancel} />
      {dragging && <p className="composer__drop">{t('files:dropHere')}</p>}
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          uploads.add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className="button composer__attach"
        onClick={() => fileInput.current?.click()}
        aria-label={t('files:attach')}
        title={t('files:attach')}
      >
        📎
      </button>
      <label htmlFor={id} className="visually-hidden">
        {t('label')}
      </label>
      {open && <MentionSuggestions id={`${id}-mentions`} items={items} active={current} onPick={pick} />}
      <textarea
        ref={box}
        {...v.field('body', id)}
        rows={rows}
        placeholder={t('placeholder')}
        value={draft}
        aria-autocomplete="list"
        aria-controls={open ? `${id}-mentions` : undefined}
        aria-activedescendant={open ? `${id}-mentions-${current}` : undefined}
        onChange={(e) => {
          setDraft(chatId, e.target.value);
          v.clear('body');
          setCaret(e.target.selectionStart);
          setActive(0);
          // A list closed with Escape opens again once that `@word` is gone.
          const q = mentionQueryAt(e.target.value, e.target.selectionStart);
          if (q?.start !== dismissedAt) setDismissedAt(null);
          if (e.target.value.trim()) typing.notify();
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <button type="submit" className="button button--primary" disabled={!draft.trim() && !ready}>
        {t('send')}
      </button>
      {error && (
        <p id={`${id}-error`} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
