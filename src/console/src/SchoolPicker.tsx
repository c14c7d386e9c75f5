/** After sign-in: the schools this account administers, and invitations waiting for it. */
import { useEffect, useState } from 'react';
import type { MyInvitation } from '../../shared/admin-api.js';
import { api } from './api.js';
import type { Me } from './App.js';
import { useT, type ConsoleKey } from './i18n.js';
import { ErrorLine, Said, useAction } from './list.js';

export function SchoolPicker(props: {
  me: Me;
  onPick: (id: number) => void;
  onSignOut: () => void;
  onJoined: () => Promise<void>;
}) {
  const { t } = useT();
  const [invitations, setInvitations] = useState<Array<MyInvitation>>([]);
  const [said, setSaid] = useState<string | null>(null);
  const action = useAction();
  useEffect(() => {
    void api<Array<MyInvitation>>('GET', '/api/me/invitations').then(setInvitations);
  }, []);
  const admin = props.me.memberships.filter((m) => m.role === 'admin');
  const accept = (i: MyInvitation) =>
    action.run(async () => {
      await api('POST', `/api/me/invitations/${i.id}/accept`);
      setInvitations((xs) => xs.filter((x) => x.id !== i.id));
      setSaid(t('pick.accepted', { school: i.school_name }));
      await props.onJoined();
    });
  return (
    <main className="sign-in">
      <div className="card sign-in-card">
        <h1>{t('pick.title')}</h1>
        {admin.length > 0 ? <p className="muted">{t('pick.intro')}</p> : <p>{t('pick.none')}</p>}
        <ul className="plain-list">
          {admin.map((m) => (
            <li key={m.school_id}>
              <button type="button" className="primary" onClick={() => props.onPick(m.school_id)}>
                {m.school_name}
              </button>
            </li>
          ))}
        </ul>
        {invitations.length > 0 && (
          <section aria-labelledby="my-invitations">
            <h2 id="my-invitations">{t('pick.invitations')}</h2>
            <ul className="plain-list">
              {invitations.map((i) => (
                <li key={i.id}>
                  {t('pick.invitation', { school: i.school_name, role: t(`role.${i.role}` as ConsoleKey) })}{' '}
                  <button type="button" disabled={action.busy} onClick={() => void accept(i)}>
                    {t('pick.accept', { school: i.school_name })}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <ErrorLine error={action.error} />
        <Said text={said} />
        <div className="form-actions">
          <button type="button" onClick={props.onSignOut}>
            {t('app.signOut')}
          </button>
        </div>
      </div>
    </main>
  );
}
