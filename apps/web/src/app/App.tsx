import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../api/queries';
import { AuthScreen } from '../features/auth/AuthScreen';
import { afterSignIn, signInFor, useRoute } from '../stores/route.store';
import { ErrorMessage } from '../ui/ErrorMessage';

// Code splitting: the signed-in app is its own chunk, so the sign-in page stays small.
const SignedIn = lazy(() => import('./SignedIn'));

/** GET /api/me decides: signed in → the shell, otherwise the login or register screen. */
export function App() {
  const me = useQuery(meQuery());
  const { t } = useTranslation();
  const route = useRoute((s) => s.route);
  const navigate = useRoute((s) => s.navigate);
  const signedOut = me.data === null;

  useEffect(() => {
    // A signed-out deep link to a chat or an invite is kept, so signing in returns there.
    if (signedOut && route.name !== 'login' && route.name !== 'register')
      navigate(signInFor(route), { replace: true });
    if (me.data && (route.name === 'login' || route.name === 'register'))
      navigate(afterSignIn(route), { replace: true });
  }, [signedOut, me.data, route, navigate]);

  const splash = (
    <main className="splash" aria-busy={me.isPending}>
      {me.isError ? <ErrorMessage error={me.error} /> : <p>{t('loading')}</p>}
    </main>
  );
  if (me.data === undefined) return splash;
  if (me.data === null) return <AuthScreen mode={route.name === 'register' ? 'register' : 'login'} />;
  return (
    <Suspense fallback={splash}>
      <SignedIn user={me.data} />
    </Suspense>
  );
}
