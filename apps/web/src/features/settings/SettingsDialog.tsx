import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { LanguageSelect } from '../../ui/LanguageSelect';

export function SettingsDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t('settings.title')} onClose={onClose}>
      <div className="stack">
        <LanguageSelect />
        <div className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            {t('close')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
