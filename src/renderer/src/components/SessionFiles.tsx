/**
 * The files of a lesson on its session page: those attached to it and those of its course, each
 * saying whether it is on this device ("Available offline"); attach the teacher's own files of
 * the school, detach them, or upload a new one and attach it once the server has it.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { useResources } from '../state/resources.js';
import { useSessionFiles } from '../state/session-files.js';
import { useSync } from '../state/sync.js';
import type { SessionDetail, SessionFile } from '../types.js';
import { ErrorLine } from './bits.js';
import { OpenNote, ResourceOpen, ScanNote } from './ResourceOpen.js';

/** The most files `set_session_resources` takes (src/shared/mutators.ts). */
const MAX_FILES = 50;

export function SessionFiles({ detail }: { detail: SessionDetail }) {
  const { t, fmt } = useI18n();
  const { session, resources } = detail;
  const onDevice = useResources((s) => s.onDevice);
  const error = useSessionFiles((s) => s.error);
  const [panel, setPanel] = useState<'attach' | 'upload' | null>(null);
  const attachedIds = resources.filter((f) => f.attached).map((f) => f.id);

  const detach = (f: SessionFile) =>
    void useSessionFiles.getState().setFiles(
      session.id,
      attachedIds.filter((id) => id !== f.id),
    );

  return (
    <section className="card session-files" aria-labelledby={`files-${session.id}`}>
      <h2 id={`files-${session.id}`}>{t('files.title')}</h2>
      <ErrorLine error={error} />
      {resources.length === 0 ? (
        <p className="muted">{t('files.none')}</p>
      ) : (
        <ul className="plain-list resource-list" aria-label={t('files.title')}>
          {resources.map((f) => {
            const offline = f.offline || onDevice[f.id] === true;
            return (
              <li key={f.id}>
                <span className="row-main">
                  <span className="row-title">{f.title}</span>
                  <span className="muted">
                    {f.file_type.toUpperCase()} · {fmt.bytes(f.size)} ·{' '}
                    {f.attached ? t('files.attachedBadge') : t('files.courseBadge')}{' '}
                    <ScanNote status={f.scan_status} />
                  </span>
                  <span className={`badge ${offline ? 'on-device' : 'off-device'}`}>
                    {offline ? t('files.offline') : t('files.notOffline')}
                  </span>
                </span>
                <span className="row-actions">
                  <ResourceOpen resource={f} />
                  {f.attached && (
                    <button
                      type="button"
                      onClick={() => detach(f)}
                      aria-label={t('files.detachNamed', { title: f.title })}
                    >
                      {t('files.detach')}
                    </button>
                  )}
                </span>
                <OpenNote resource={f} />
              </li>
            );
          })}
        </ul>
      )}
      <p className="hint muted">{t('files.prefetchHint')}</p>
      <div className="actions">
        <button
          type="button"
          aria-expanded={panel === 'attach'}
          onClick={() => setPanel(panel === 'attach' ? null : 'attach')}
        >
          {t('files.attach')}
        </button>
        <button
          type="button"
          aria-expanded={panel === 'upload'}
          onClick={() => setPanel(panel === 'upload' ? null : 'upload')}
        >
          {t('files.upload')}
        </button>
      </div>
      {panel === 'attach' && (
        <AttachPicker
          sessionId={session.id}
          schoolId={session.school_id}
          attachedIds={attachedIds}
          onDone={() => setPanel(null)}
        />
      )}
      {panel === 'upload' && (
        <UploadAndAttach sessionId={session.id} schoolId={session.school_id} onDone={() => setPanel(null)} />
      )}
    </section>
  );
}

/** Checkboxes of the teacher's files of the school not attached yet, and "Attach n files". */
function AttachPicker(props: {
  sessionId: number;
  schoolId: number;
  attachedIds: number[];
  onDone: () => void;
}) {
  const { t } = useI18n();
  const filterId = useId();
  const choices = useSessionFiles((s) => s.choices);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void useSessionFiles.getState().loadChoices(props.schoolId);
  }, [props.schoolId]);

  const free = (choices ?? []).filter(
    (r) => r.school_id === props.schoolId && !props.attachedIds.includes(r.id),
  );
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle ? free.filter((r) => r.title.toLocaleLowerCase().includes(needle)) : free;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (picked.length === 0) return setProblem(t('files.chooseSome'));
    if (props.attachedIds.length + picked.length > MAX_FILES)
      return setProblem(t('files.tooMany', { max: MAX_FILES }));
    setProblem(null);
    void useSessionFiles
      .getState()
      .setFiles(props.sessionId, [...props.attachedIds, ...picked])
      .then((ok) => ok && props.onDone());
  };

  return (
    <form className="attach-picker" onSubmit={submit} noValidate aria-label={t('files.attach')}>
      {choices === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : free.length === 0 ? (
        <p className="muted">{t('files.pickerNone')}</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={filterId}>{t('files.pickerFilter')}</label>
            <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <fieldset>
            <legend>{t('files.pickerLegend')}</legend>
            {shown.length === 0 && <p className="muted">{t('files.pickerNoMatch')}</p>}
            <ul className="plain-list pick-list">
              {shown.map((r) => (
                <li key={r.id} className="field checkbox">
                  <input
                    id={`${filterId}-${r.id}`}
                    type="checkbox"
                    checked={picked.includes(r.id)}
                    onChange={(e) =>
                      setPicked(e.target.checked ? [...picked, r.id] : picked.filter((id) => id !== r.id))
                    }
                  />
                  <label htmlFor={`${filterId}-${r.id}`}>{r.title}</label>
                </li>
              ))}
            </ul>
          </fieldset>
        </>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="form-actions">
        {free.length > 0 && (
          <button type="submit" className="primary">
            {t('files.attachSelected', { count: picked.length })}
          </button>
        )}
        <button type="button" onClick={props.onDone}>
          {t('files.close')}
        </button>
      </div>
    </form>
  );
}

/** A file and its title: uploaded (or queued offline), then attached to the lesson. */
function UploadAndAttach(props: { sessionId: number; schoolId: number; onDone: () => void }) {
  const { t } = useI18n();
  const ids = { file: useId(), title: useId() };
  const online = useSync((s) => s.status?.online ?? false);
  const upload = useResources((s) => s.upload);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const busy = upload.phase === 'reading' || upload.phase === 'sending';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setProblem(t('upload.needFile'));
    if (!title.trim()) return setProblem(t('upload.needTitle'));
    setProblem(null);
    void useResources
      .getState()
      .uploadFile({
        schoolId: props.schoolId,
        title,
        description: '',
        file,
        online,
        sessionId: props.sessionId,
      })
      .then((ok) => {
        if (!ok) return;
        setFile(null);
        setTitle('');
        if (input.current) input.current.value = '';
      });
  };

  const progress =
    upload.phase === 'queued'
      ? upload.offline
        ? t('upload.queuedOffline', { title: upload.title })
        : t('upload.queued', { title: upload.title })
      : upload.phase === 'uploaded'
        ? t('upload.done', { title: upload.title })
        : upload.phase === 'failed'
          ? t('upload.failed', { message: upload.message })
          : busy
            ? t('upload.sending')
            : '';

  return (
    <form className="upload-attach" onSubmit={submit} noValidate aria-label={t('files.uploadHeading')}>
      <div className="field">
        <label htmlFor={ids.file}>{t('upload.file')}</label>
        <input
          ref={input}
          id={ids.file}
          type="file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f && !title.trim()) setTitle(f.name.replace(/\.[^.]+$/, '').slice(0, 200));
            useResources.getState().resetUpload();
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.title}>{t('upload.title')}</label>
        <input
          id={ids.title}
          type="text"
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('files.upload')}
        </button>
        <button type="button" onClick={props.onDone}>
          {t('files.close')}
        </button>
        <span className="muted" aria-live="polite">
          {progress}
        </span>
      </div>
    </form>
  );
}
