import type { ErrorCode } from '@chatsockets/protocol';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/http';

/** Where an error happened, for a sentence that fits it ("Wrong username or password"). */
export type ErrorContext = 'login' | 'register' | 'direct' | 'addMember' | 'createGroup' | 'join';

/** The catalog key for an error: by its protocol code, in the context's wording when it has one. */
export function errorKeys(error: unknown, context?: ErrorContext): string[] {
  const code: ErrorCode = isApiError(error) ? error.code : 'INTERNAL';
  return context ? [`${context}.${code}`, `code.${code}`] : [`code.${code}`];
}

/**
 * Shows an error as a sentence of the user's language, chosen by the protocol's error code;
 * the server's own wording (English, sometimes schema text) is never shown.
 */
export function ErrorMessage({ error, context }: { error: unknown; context?: ErrorContext }) {
  const { t } = useTranslation('errors');
  if (!error) return null;
  return (
    <div role="alert" className="error">
      <p>{t(errorKeys(error, context))}</p>
    </div>
  );
}
