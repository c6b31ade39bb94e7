import { CredentialsSchema, LIMITS } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoute } from '../../stores/route.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldError } from '../../ui/FieldError';
import { LanguageSelect } from '../../ui/LanguageSelect';
import { useFieldErrors } from '../../ui/use-field-errors';
import { useLogin, useRegister } from './use-auth';

export function AuthScreen({ mode }: { mode: 'login' | 'register' }) {
  const login = useLogin();
  const register = useRegister();
  const navigate = useRoute((s) => s.navigate);
  const route = useRoute((s) => s.route);
  const { next, invite } = route.name === 'login' || route.name === 'register' ? route : {};
  const mutation = mode === 'login' ? login : register;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const ids = { user: useId(), pass: useId(), hint: useId() };
  const { t } = useTranslation('auth');
  const v = useFieldErrors<'username' | 'password'>();
  const title = mode === 'login' ? t('signIn') : t('createAccount');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = v.check(CredentialsSchema, { username: username.trim(), password });
    if (body) mutation.mutate(body);
  };

  const switchTo = (to: 'login' | 'register') => {
    login.reset();
    register.reset();
    navigate({ name: to, next, invite });
  };

  return (
    <main className="auth">
      <form className="auth__card" onSubmit={submit} aria-labelledby={`${ids.user}-title`} noValidate>
        <p className="auth__brand">{t('common:appName')}</p>
        <h1 id={`${ids.user}-title`}>{title}</h1>
        <label htmlFor={ids.user}>{t('username')}</label>
        <input
          {...v.field('username', ids.user)}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            v.clear('username');
          }}
        />
        <FieldError id={ids.user} error={v.errors.username} />
        <label htmlFor={ids.pass}>{t('password')}</label>
        <input
          {...v.field('password', ids.pass, mode === 'register' ? ids.hint : undefined)}
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            v.clear('password');
          }}
        />
        <FieldError id={ids.pass} error={v.errors.password} />
        {mode === 'register' && (
          <p id={ids.hint} className="hint">
            {t('hint', { min: LIMITS.usernameMin, max: LIMITS.usernameMax, passwordMin: LIMITS.passwordMin })}
          </p>
        )}
        <ErrorMessage error={mutation.error} context={mode} />
        <button type="submit" className="button button--primary" disabled={mutation.isPending}>
          {mutation.isPending ? t('pleaseWait') : title}
        </button>
        {mode === 'login' ? (
          <p className="auth__switch">
            {t('newHere')}{' '}
            <button type="button" className="link" onClick={() => switchTo('register')}>
              {t('createAccount')}
            </button>
          </p>
        ) : (
          <p className="auth__switch">
            {t('haveAccount')}{' '}
            <button type="button" className="link" onClick={() => switchTo('login')}>
              {t('signIn')}
            </button>
          </p>
        )}
      </form>
      <div className="auth__language">
        <LanguageSelect />
      </div>
    </main>
  );
}
