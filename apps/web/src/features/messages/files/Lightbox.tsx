import type { Attachment } from '@chatsockets/protocol';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { attachmentUrl } from '../../../api/uploads.api';
import { formatSize } from './format-size';

/** The full image in a modal dialog; Escape, the close button or the backdrop close it. */
export function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose(): void }) {
  const { t } = useTranslation('files');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes a modal dialog natively
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={attachment.name}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      data-testid="lightbox"
    >
      <img src={attachmentUrl(attachment.id)} alt={attachment.name} className="lightbox__image" />
      <div className="lightbox__bar">
        <span>
          {attachment.name} · {formatSize(attachment.size)}
        </span>
        <a className="button" href={attachmentUrl(attachment.id)} download={attachment.name}>
          {t('download')}
        </a>
        <button type="button" className="button" onClick={onClose}>
          {t('close')}
        </button>
      </div>
    </dialog>
  );
}
