import { LIMITS } from '@chatsockets/protocol';
import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  useId,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useUi } from '../../stores/ui.store';
import { UploadTray } from './files/UploadTray';
import { useUploads } from './files/use-uploads';
import { useSendMessage } from './use-send-message';
import { useTypingNotifier } from './use-typing-notifier';

/** Enter sends, Shift+Enter adds a line. Sending never waits for the network (see the outbox). */
export function Composer({ chatId, selfId }: { chatId: string; selfId: string }) {
  const draft = useUi((s) => s.drafts[chatId] ?? '');
  const setDraft = useUi((s) => s.setDraft);
  const send = useSendMessage(chatId, selfId);
  const typing = useTypingNotifier(chatId);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const { t } = useTranslation('files');
  const uploads = useUploads();
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const ready = uploads.items.some((x) => x.status === 'done');

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = draft.trim();
    if (!body && !ready) return;
    if (body.length > LIMITS.bodyMax) {
      setError(`Messages can be at most ${LIMITS.bodyMax} characters.`);
      return;
    }
    setError(null);
    send(body, uploads.take());
    typing.reset();
    setDraft(chatId, '');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
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
      <UploadTray items={uploads.items} onCancel={uploads.cancel} />
      {dragging && <p className="composer__drop">{t('dropHere')}</p>}
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
        aria-label={t('attach')}
        title={t('attach')}
      >
        📎
      </button>
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        rows={rows}
        placeholder="Write a message…"
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          setDraft(chatId, e.target.value);
          if (e.target.value.trim()) typing.notify();
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <button type="submit" className="button button--primary" disabled={!draft.trim() && !ready}>
        Send
      </button>
      {error && (
        <p id={`${id}-error`} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
