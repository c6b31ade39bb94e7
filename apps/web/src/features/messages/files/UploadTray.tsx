import { useTranslation } from 'react-i18next';
import { formatSize } from './format-size';
import type { UploadItem } from './use-uploads';

/** Files being attached to the next message: progress, cancel, and why one failed. */
export function UploadTray({ items, onCancel }: { items: UploadItem[]; onCancel(key: string): void }) {
  const { t } = useTranslation('files');
  if (items.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label={t('attachments')}>
      {items.map((x) => (
        <li key={x.key} className={`upload upload--${x.status}`} data-testid="upload" data-status={x.status}>
          <span className="upload__name" title={x.name}>
            {x.name}
          </span>
          {x.status === 'uploading' && (
            <progress max={x.size || 1} value={x.loaded} aria-label={t('progress', { name: x.name })} />
          )}
          <span className="upload__size">
            {x.status === 'failed' ? (
              <span role="alert">
                {x.error ? t([`error.${x.error}`, `errors:code.${x.error}`]) : t('failed')}
              </span>
            ) : (
              formatSize(x.size)
            )}
          </span>
          <button
            type="button"
            className="button button--small"
            onClick={() => onCancel(x.key)}
            aria-label={
              x.status === 'uploading' ? t('cancelUpload', { name: x.name }) : t('remove', { name: x.name })
            }
          >
            ×
          </button>
        </li>
      ))}
      {items.some((x) => x.status === 'uploading') && <li className="upload__note">{t('reloadWarning')}</li>}
    </ul>
  );
}
