import { create } from 'zustand';

/**
 * This browser's notification choices (per device, like the permission itself): notifications on
 * or off, and a sound. Kept in localStorage; other tabs follow through the storage event.
 */
const KEY = 'chatsockets.notify';

interface Prefs {
  enabled: boolean;
  sound: boolean;
}

function load(): Prefs {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Prefs>;
    return { enabled: saved.enabled === true, sound: saved.sound === true };
  } catch {
    return { enabled: false, sound: false };
  }
}

export const useNotifyPrefs = create<Prefs & { set(patch: Partial<Prefs>): void }>((set, get) => ({
  ...load(),
  set(patch) {
    const next = { enabled: get().enabled, sound: get().sound, ...patch };
    localStorage.setItem(KEY, JSON.stringify(next));
    set(next);
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) useNotifyPrefs.setState(load());
  });
}

/** Whether the browser lets this page notify now. */
export const notificationPermission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
