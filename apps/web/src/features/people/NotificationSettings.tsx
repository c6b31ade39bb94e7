import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notificationPermission, useNotifyPrefs } from '../../stores/notify-prefs.store';

/** Browser notifications: the permission is asked only from this click, never on load. */
export function NotificationSettings() {
  const { t } = useTranslation('people');
  const prefs = useNotifyPrefs();
  const [permission, setPermission] = useState(notificationPermission);
  const on = prefs.enabled && permission === 'granted';
  const toggle = async () => {
    if (on) return prefs.set({ enabled: false });
    const answer = permission === 'granted' ? 'granted' : await Notification.requestPermission();
    setPermission(answer);
    prefs.set({ enabled: answer === 'granted' });
  };
  return (
    <section className="stack" aria-label={t('notifications')}>
      <h3>{t('notifications')}</h3>
      {permission === 'unsupported' ? (
        <p>{t('notificationsUnsupported')}</p>
      ) : (
        <>
          <button type="button" className="button" aria-pressed={on} onClick={() => void toggle()}>
            {on ? t('notificationsOff') : t('notificationsOn')}
          </button>
          {permission === 'denied' && <p role="status">{t('notificationsDenied')}</p>}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={prefs.sound}
              onChange={(e) => prefs.set({ sound: e.target.checked })}
            />
            {t('notificationSound')}
          </label>
        </>
      )}
    </section>
  );
}
