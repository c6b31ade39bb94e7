import { LIMITS } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useRoute } from '../../stores/route.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
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
  const title = mode === 'login' ? 'Sign in' : 'Create an account';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ username: username.trim(), password });
  };

  const switchTo = (to: 'login' | 'register') => {
    login.reset();
    register.reset();
    navigate({ name: to, next, invite });
  };

  return (
    <main className="auth">
      <form className="auth__card" onSubmit={submit} aria-labelledby={`${ids.user}-title`}>
        <p className="auth__brand">Chatsockets</p>
        <h1 id={`${ids.user}-title`}>{title}</h1>
        <label htmlFor={ids.user}>Username</label>
        <input
          id={ids.user}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor={ids.pass}>Password</label>
        <input
          id={ids.pass}
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          aria-describedby={mode === 'register' ? ids.hint : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {mode === 'register' && (
          <p id={ids.hint} className="hint">
            Usernames: {LIMITS.usernameMin}–{LIMITS.usernameMax} letters, digits, “_”, “.” or “-”. Passwords:
            at least {LIMITS.passwordMin} characters.
          </p>
        )}
        <ErrorMessage error={mutation.error} />
        <button type="submit" className="button button--primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Please wait…' : title}
        </button>
        {mode === 'login' ? (
          <p className="auth__switch">
            New here?{' '}
            <button type="button" className="link" onClick={() => switchTo('register')}>
              Create an account
            </button>
          </p>
        ) : (
          <p className="auth__switch">
            Already have an account?{' '}
            <button type="button" className="link" onClick={() => switchTo('login')}>
              Sign in
            </button>
          </p>
        )}
      </form>
    </main>
  );
}
