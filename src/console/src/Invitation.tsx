/** The page of an invitation link: the invitee sets their name and password (or gives their own) and joins. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AcceptInvitationResponse, InvitationPreview } from '../../shared/admin-api.js';
import { api, ApiError, setToken } from './api.js';
import type { Me } from './App.js';
import { useT, type ConsoleKey } from './i18n.js';
import { ErrorLine, useAction } from './list.js';

export function InvitationPage({ token, onSignedIn }: { token: string; onSignedIn: (me: Me) => void }) {
  const { t } = useT();
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [gone, setGone] = useState(false);
  const [done, setDone] = useState<AcceptInvitationResponse | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  useEffect(() => {
    api<InvitationPreview>('GET', `/api/invitations/${token}`)
      .then(setPreview)
      .catch((e) => (e instanceof ApiError && e.status === 404 ? setGone(true) : undefined));
  }, [token]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<AcceptInvitationResponse>('POST', `/api/invitations/${token}/accept`, {
        body: { ...(name.trim() ? { name } : {}), password },
      });
      setToken(r.token);
      setDone(r);
    });
  };
  const role = (r: string) => t(`role.${r}` as ConsoleKey).toLowerCase();
  return (
    <main className="sign-in">
      <div className="card sign-in-card">
        {gone && (
          <>
            <h1>{t('app.title')}</h1>
            <p role="alert">{t('invite.gone')}</p>
          </>
        )}
        {!gone && !preview && <p>{t('app.loading')}</p>}
        {preview && !done && (
          <form onSubmit={submit}>
            <h1>{t('invite.title', { school: preview.school_name })}</h1>
            <p>
              {t('invite.intro', {
                school: preview.school_name,
                email: preview.email,
                role: role(preview.role),
              })}
            </p>
            <p className="muted small">{t('invite.existing')}</p>
            <p className="muted small">{t('invite.new')}</p>
            <div className="field">
              <label htmlFor="invite-name">{t('invite.name')}</label>
              <input
                id="invite-name"
                type="text"
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="invite-password">{t('invite.password')}</label>
              <input
                id="invite-password"
                type="password"
                autoComplete="new-password"
                required
                minLength={10}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <ErrorLine error={action.error} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={action.busy}>
                {t('invite.submit')}
              </button>
            </div>
          </form>
        )}
        {preview && done && (
          <div role="status">
            <h1>{t('invite.done', { role: role(done.role), school: preview.school_name })}</h1>
            {done.role === 'teacher' ? (
              <p>{t('invite.doneTeacher', { email: done.user.email })}</p>
            ) : (
              <button
                type="button"
                className="primary"
                onClick={() => {
                  location.hash = '#/teachers';
                  void api<Me>('GET', '/api/me').then(onSignedIn);
                }}
              >
                {t('invite.open')}
              </button>
            )}
          </div>
        )}
      </div>
    </main>
  );
}
