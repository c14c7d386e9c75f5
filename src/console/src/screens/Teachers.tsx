/** Teachers and administrators: invite, change role, deactivate, reactivate; the invitations sent. */
import { useCallback, useState, type FormEvent } from 'react';
import type { InvitationItem, InviteResponse, MembershipItem } from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import type { Me } from '../App.js';
import { useT, type ConsoleKey } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

type Member = MembershipItem;

export function TeachersScreen({ schoolId, me }: { schoolId: number; me: Me }) {
  const { t, date } = useT();
  const at = school(schoolId);
  const load = useCallback(
    (cursor?: string) => api<Page<Member>>('GET', at('/memberships'), { query: { cursor } }),
    [schoolId],
  );
  const loadInvitations = useCallback(
    (cursor?: string) => api<Page<InvitationItem>>('GET', at('/invitations'), { query: { cursor } }),
    [schoolId],
  );
  const members = usePaged(load);
  const invitations = usePaged(loadInvitations);
  const action = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'teacher' | 'admin'>('teacher');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);

  const change = (m: Member, body: { active?: boolean; role?: 'teacher' | 'admin' }) =>
    action.run(async () => {
      await api('PATCH', at(`/memberships/${m.user_id}`), { body });
      setSaid(t('app.saved'));
      await members.reload();
    });
  const invite = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<InviteResponse>('POST', at('/invitations'), {
        body: { email, role },
      });
      setLink({ email: r.email, url: `${location.origin}/admin/#/invitation/${r.token}` });
      setEmail('');
      await invitations.reload();
    });
  };
  const roleName = (r: string) => t(`role.${r}` as ConsoleKey);

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('teachers.title')}</h1>
        <ExportButton
          fileName="teachers.csv"
          load={load}
          header={[t('teachers.name'), t('teachers.email'), t('teachers.role'), t('teachers.status')]}
          row={(m) => [m.name, m.email, roleName(m.role), t(`active.${m.active}`)]}
        />
      </div>
      <ErrorLine error={members.error ?? action.error} />
      <Said text={said} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('teachers.name')}</th>
              <th scope="col">{t('teachers.email')}</th>
              <th scope="col">{t('teachers.role')}</th>
              <th scope="col">{t('teachers.status')}</th>
              <th scope="col">{t('teachers.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.items.map((m) => (
              <tr key={m.user_id}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>
                  <select
                    aria-label={t('teachers.roleOf', { name: m.name })}
                    value={m.role}
                    disabled={action.busy || m.user_id === me.user.id}
                    onChange={(e) => void change(m, { role: e.target.value as 'teacher' | 'admin' })}
                  >
                    <option value="teacher">{roleName('teacher')}</option>
                    <option value="admin">{roleName('admin')}</option>
                  </select>
                </td>
                <td>
                  <span className={`badge ${m.active ? 'status-completed' : 'status-cancelled'}`}>
                    {t(`active.${m.active}`)}
                  </span>
                </td>
                <td>
                  {m.user_id !== me.user.id &&
                    (m.active ? (
                      <button
                        type="button"
                        className="danger"
                        disabled={action.busy}
                        onClick={() => void change(m, { active: false })}
                      >
                        {t('teachers.deactivate', { name: m.name })}
                      </button>
                    ) : (
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() => void change(m, { active: true })}
                      >
                        {t('teachers.reactivate', { name: m.name })}
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={members} />

      <section className="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">{t('teachers.invite')}</h2>
        <p className="muted small">{t('teachers.inviteIntro')}</p>
        <form className="inline-form" onSubmit={invite}>
          <div className="field">
            <label htmlFor="invite-email">{t('teachers.inviteEmail')}</label>
            <input
              id="invite-email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="invite-role">{t('teachers.inviteRole')}</label>
            <select
              id="invite-role"
              value={role}
              onChange={(e) => setRole(e.target.value as 'teacher' | 'admin')}
            >
              <option value="teacher">{roleName('teacher')}</option>
              <option value="admin">{roleName('admin')}</option>
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {t('teachers.inviteSubmit')}
            </button>
          </div>
        </form>
        {link && (
          <div role="status" className="note">
            <p>{t('teachers.invited', { email: link.email })}</p>
            <label htmlFor="invite-link">{t('teachers.inviteLink')}</label>
            <input
              id="invite-link"
              type="text"
              readOnly
              value={link.url}
              className="wide"
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(link.url).then(() => setSaid(t('teachers.copied')))
              }
            >
              {t('teachers.copy')}
            </button>
          </div>
        )}
      </section>

      <section aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">{t('teachers.invitations')}</h2>
        <ErrorLine error={invitations.error} />
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('teachers.email')}</th>
                <th scope="col">{t('teachers.role')}</th>
                <th scope="col">{t('teachers.status')}</th>
                <th scope="col">{t('teachers.invitedBy')}</th>
                <th scope="col">{t('teachers.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{roleName(i.role)}</td>
                  <td>{t(`invitation.${i.status}` as ConsoleKey)}</td>
                  <td>{i.invited_by_name}</td>
                  <td>{date(i.expires_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={invitations} />
      </section>
    </div>
  );
}
