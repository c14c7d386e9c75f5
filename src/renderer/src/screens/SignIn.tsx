/** Sign-in: server address, email and password, with errors a teacher can act on. */
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import type { Translate } from '../i18n/i18n.js';
import { DEFAULT_SERVER_URL, useAuth } from '../state/auth.js';
import type { AuthState } from '../types.js';

type Field = 'serverUrl' | 'email' | 'password';

function validServerUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function signInErrorText(
  t: Translate,
  error: { code: string; message: string; serverUrl?: string },
): string {
  switch (error.code) {
    case 'wrong_credentials':
      return t('signIn.error.wrongCredentials');
    case 'unreachable':
      return t('signIn.error.unreachable', { url: error.serverUrl ?? '' });
    case 'not_a_teacher':
      return t('signIn.error.notATeacher');
    case 'rate_limited':
      return t('signIn.error.rateLimited');
    case 'invalid_args':
      return t('signIn.error.invalid');
    default:
      return t('signIn.error.other', { message: error.message });
  }
}

export function SignIn({ auth }: { auth: AuthState }) {
  const { t } = useI18n();
  const busy = useAuth((s) => s.busy);
  const error = useAuth((s) => s.error);
  const [serverUrl, setServerUrl] = useState(auth.lastServerUrl ?? DEFAULT_SERVER_URL);
  const [email, setEmail] = useState(auth.lastEmail ?? '');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const ids = { serverUrl: useId(), email: useId(), password: useId(), error: useId(), note: useId() };
  const refs = {
    serverUrl: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    if (!validServerUrl(serverUrl.trim())) errors.serverUrl = t('signIn.error.serverUrl');
    if (email.trim().length < 3) errors.email = t('signIn.error.email');
    if (password.length === 0) errors.password = t('signIn.error.password');
    setFieldErrors(errors);
    const first = (['serverUrl', 'email', 'password'] as const).find((f) => errors[f]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    void useAuth
      .getState()
      .signIn({ serverUrl: serverUrl.trim(), email: email.trim(), password })
      .then((ok) => {
        if (!ok) {
          setPassword('');
          refs.password.current?.focus();
        }
      });
  };

  const field = (name: Field, label: string, input: ReactNode) => (
    <div className="field">
      <label htmlFor={ids[name]}>{label}</label>
      {input}
      {fieldErrors[name] && (
        <p className="field-error" id={`${ids[name]}-error`}>
          {fieldErrors[name]}
        </p>
      )}
    </div>
  );
  const described = (name: Field) => (fieldErrors[name] ? `${ids[name]}-error` : undefined);

  return (
    <main className="sign-in">
      <form
        className="card sign-in-card"
        onSubmit={submit}
        noValidate
        aria-describedby={error ? ids.error : undefined}
      >
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.intro')}</p>
        {error && (
          <p role="alert" className="error" id={ids.error}>
            {signInErrorText(t, error)}
          </p>
        )}
        {field(
          'serverUrl',
          t('signIn.server'),
          <input
            ref={refs.serverUrl}
            id={ids.serverUrl}
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            aria-invalid={fieldErrors.serverUrl ? true : undefined}
            aria-describedby={described('serverUrl')}
          />,
        )}
        {field(
          'email',
          t('signIn.email'),
          <input
            ref={refs.email}
            id={ids.email}
            type="email"
            autoComplete="username"
            spellCheck={false}
            autoFocus={!auth.lastEmail}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={fieldErrors.email ? true : undefined}
            aria-describedby={described('email')}
          />,
        )}
        {field(
          'password',
          t('signIn.password'),
          <input
            ref={refs.password}
            id={ids.password}
            type="password"
            autoComplete="current-password"
            autoFocus={!!auth.lastEmail}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={described('password')}
          />,
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            {t('signIn.submit')}
          </button>
          {busy && (
            <span className="muted" aria-live="polite">
              {t('signIn.busy')}
            </span>
          )}
        </div>
        {!auth.tokenPersisted && (
          <p className="note" id={ids.note}>
            {t('signIn.noSecureStorage')}
          </p>
        )}
      </form>
    </main>
  );
}
