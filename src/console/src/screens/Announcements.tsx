/** Announcements: write, preview, send to every teacher; see who read each. */
import { useCallback, useState, type FormEvent } from 'react';
import type { AnnouncementItem, AnnouncementReader } from '../../../shared/admin-api.js';
import type { AnnouncementResponse } from '../../../shared/api.js';
import { api, school, type Page } from '../api.js';
import { useT } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

type Announcement = AnnouncementItem;

function Readers({ schoolId, a }: { schoolId: number; a: Announcement }) {
  const { t, dateTime } = useT();
  const load = useCallback(
    (cursor?: string) =>
      api<Page<AnnouncementReader>>('GET', school(schoolId)(`/announcements/${a.id}/readers`), {
        query: { cursor },
      }),
    [schoolId, a.id],
  );
  const list = usePaged(load);
  return (
    <section className="card" aria-labelledby={`readers-${a.id}`}>
      <h3 id={`readers-${a.id}`}>{t('announcements.readers', { title: a.title })}</h3>
      <ErrorLine error={list.error} />
      <ul className="plain-list">
        {list.items.map((r) => (
          <li key={r.user_id}>
            {r.name} —{' '}
            {r.is_read && r.read_at ? (
              <span className="ok">{t('announcements.readAt', { when: dateTime(r.read_at) })}</span>
            ) : (
              <span className="muted">{t('announcements.unread')}</span>
            )}
          </li>
        ))}
      </ul>
      <ListFooter list={list} />
    </section>
  );
}

export function AnnouncementsScreen({ schoolId }: { schoolId: number }) {
  const { t, dateTime } = useT();
  const at = school(schoolId);
  const load = useCallback(
    (cursor?: string) => api<Page<Announcement>>('GET', at('/announcements'), { query: { cursor } }),
    [schoolId],
  );
  const list = usePaged(load);
  const action = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [preview, setPreview] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const send = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api<AnnouncementResponse>('POST', at('/announcements'), {
        body: { title, message },
      });
      setSaid(t('announcements.sent', { count: r.notified }));
      setTitle('');
      setMessage('');
      setPreview(false);
      await list.reload();
    });
  };
  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('announcements.title')}</h1>
        <ExportButton
          fileName="announcements.csv"
          load={load}
          header={[
            t('announcements.fieldTitle'),
            t('announcements.message'),
            t('audit.when'),
            t('audit.who'),
            t('announcements.title'),
          ]}
          row={(a) => [a.title, a.message, a.created_at, a.author_name, `${a.read}/${a.notified}`]}
        />
      </div>
      <section className="card" aria-labelledby="write-heading">
        <h2 id="write-heading">{t('announcements.write')}</h2>
        <form onSubmit={send}>
          <div className="field">
            <label htmlFor="announcement-title">{t('announcements.fieldTitle')}</label>
            <input
              id="announcement-title"
              type="text"
              required
              maxLength={200}
              className="wide"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="announcement-message">{t('announcements.message')}</label>
            <textarea
              id="announcement-message"
              required
              maxLength={5000}
              rows={5}
              className="wide"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
            />
          </div>
          {preview && (
            <div className="preview" aria-labelledby="preview-heading">
              <h3 id="preview-heading">{t('announcements.previewOf')}</h3>
              <div className="toast-like">
                <strong>{title}</strong>
                <p className="pre">{message}</p>
              </div>
            </div>
          )}
          <div className="form-actions">
            <button
              type="button"
              onClick={() => setPreview(true)}
              disabled={!title.trim() || !message.trim()}
            >
              {t('announcements.preview')}
            </button>
            <button type="submit" className="primary" disabled={action.busy}>
              {t('announcements.send')}
            </button>
          </div>
        </form>
        <ErrorLine error={action.error} />
        <Said text={said} />
      </section>
      <ErrorLine error={list.error} />
      <ul className="plain-list announcements">
        {list.items.map((a) => (
          <li key={a.id}>
            <h2 className="h3">{a.title}</h2>
            <p className="muted small">
              {dateTime(a.created_at)} · {t('announcements.by', { name: a.author_name })}
            </p>
            <p className="pre">{a.message}</p>
            <button
              type="button"
              aria-expanded={open === a.id}
              onClick={() => setOpen(open === a.id ? null : a.id)}
            >
              {t('announcements.read', { count: a.read, total: a.notified })}
            </button>
            {open === a.id && <Readers schoolId={schoolId} a={a} />}
          </li>
        ))}
      </ul>
      <ListFooter list={list} />
    </div>
  );
}
