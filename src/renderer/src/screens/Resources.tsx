/** The teacher's resources: search, open, and upload a new file (queued while offline). */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ErrorLine } from '../components/bits.js';
import { ResourceEdit } from '../components/ResourceEdit.js';
import { OpenNote, ResourceOpen, ScanNote, useHasOpenNote } from '../components/ResourceOpen.js';
import { ResourceFields, titleTooLong } from '../components/ResourceFields.js';
import { useI18n } from '../i18n/useI18n.js';
import { useDebounced } from '../lib/useDebounced.js';
import { useChanges } from '../state/changes.js';
import { useCourses } from '../state/courses.js';
import { useResources } from '../state/resources.js';
import { useSchools } from '../state/schools.js';
import { useSync } from '../state/sync.js';
import type { PendingUpload, ResourceRow } from '../types.js';

function UploadForm() {
  const { t } = useI18n();
  const ids = { file: useId(), school: useId(), course: useId() };
  const selected = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  const online = useSync((s) => s.status?.online ?? false);
  const upload = useResources((s) => s.upload);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [school, setSchool] = useState<string>('');
  const [course, setCourse] = useState<string>('');
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const schoolId = selected ?? (schools.length === 1 ? schools[0]!.id : school ? Number(school) : null);
  const busy = upload.phase === 'reading' || upload.phase === 'sending';
  const courses = useCourses((s) => (schoolId === null ? undefined : s.bySchool[schoolId]));
  useEffect(() => {
    setCourse('');
    if (schoolId !== null) void useCourses.getState().load(schoolId);
  }, [schoolId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setProblem(t('upload.needFile'));
    if (!title.trim()) return setProblem(t('upload.needTitle'));
    // The field says what is wrong; nothing is sent.
    if (titleTooLong(title)) return setProblem(null);
    if (schoolId === null) return setProblem(t('upload.needSchool'));
    setProblem(null);
    void useResources
      .getState()
      .uploadFile({ schoolId, title, description, file, online, courseIds: course ? [Number(course)] : [] })
      .then((ok) => {
        if (!ok) return;
        setFile(null);
        setTitle('');
        setDescription('');
        setCourse('');
        if (fileInput.current) fileInput.current.value = '';
      });
  };

  const progress =
    upload.phase === 'reading'
      ? t('upload.reading')
      : upload.phase === 'sending'
        ? t('upload.sending')
        : upload.phase === 'queued'
          ? upload.offline
            ? t('upload.queuedOffline', { title: upload.title })
            : t('upload.queued', { title: upload.title })
          : upload.phase === 'uploaded'
            ? t('upload.done', { title: upload.title })
            : upload.phase === 'failed'
              ? t('upload.failed', { message: upload.message })
              : '';

  return (
    <form className="card upload" onSubmit={submit} noValidate>
      <h2>{t('upload.heading')}</h2>
      <div className="field">
        <label htmlFor={ids.file}>{t('upload.file')}</label>
        <input
          ref={fileInput}
          id={ids.file}
          type="file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f && !title.trim()) setTitle(f.name.replace(/\.[^.]+$/, ''));
            useResources.getState().resetUpload();
          }}
        />
      </div>
      <ResourceFields
        title={title}
        description={description}
        onTitle={setTitle}
        onDescription={setDescription}
      />
      {selected === null && schools.length > 1 && (
        <div className="field">
          <label htmlFor={ids.school}>{t('upload.school')}</label>
          <select id={ids.school} value={school} onChange={(e) => setSchool(e.target.value)}>
            <option value="">{t('upload.chooseSchool')}</option>
            {schools.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {courses && courses.length > 0 && (
        <div className="field">
          <label htmlFor={ids.course}>{t('upload.course')}</label>
          <select id={ids.course} value={course} onChange={(e) => setCourse(e.target.value)}>
            <option value="">{t('upload.noCourse')}</option>
            {courses.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </div>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('upload.submit')}
        </button>
        <span className="muted" aria-live="polite">
          {progress}
        </span>
      </div>
    </form>
  );
}

/** A resource row and, under it when there is something to say, why its file did not open. */
function ResourceRowView(props: { r: ResourceRow; showSchool: boolean; onEdit: () => void }) {
  const { t, fmt } = useI18n();
  const { r, showSchool } = props;
  const schools = useSchools((s) => s.schools);
  const note = useHasOpenNote(r.id);
  const columns = showSchool ? 6 : 5;
  return (
    <>
      <tr>
        <td>
          <span className="row-title">{r.title}</span> <ScanNote status={r.scan_status} />
          {r.shared_with_students && <span className="badge">{t('resources.sharedBadge')}</span>}
          {r.description && <p className="muted clamp">{r.description}</p>}
        </td>
        {showSchool && <td>{schools.find((s) => s.id === r.school_id)?.name}</td>}
        <td>{r.file_type.toUpperCase()}</td>
        <td className="num nowrap">{fmt.bytes(r.size)}</td>
        <td className="nowrap">{fmt.date(r.created_at)}</td>
        <td>
          <div className="row-actions">
            <ResourceOpen resource={r} />
            <button
              type="button"
              onClick={props.onEdit}
              aria-label={t('resources.editNamed', { title: r.title })}
            >
              {t('resources.edit')}
            </button>
          </div>
        </td>
      </tr>
      {note && (
        <tr className="note-row">
          <td colSpan={columns}>
            <OpenNote resource={r} />
          </td>
        </tr>
      )}
    </>
  );
}

/** An upload waiting on this device: listed with the resources, with its progress, until the server has it. */
function PendingUploadRow(props: { u: PendingUpload; showSchool: boolean }) {
  const { t, fmt } = useI18n();
  const { u, showSchool } = props;
  const schools = useSchools((s) => s.schools);
  const progress = useResources((s) => s.uploadProgress[u.id]);
  const sending = progress?.inFlight === true;
  const extension = /\.([^.]+)$/.exec(u.file_name)?.[1] ?? '';
  return (
    <tr className="pending-upload">
      <td>
        <span className="row-title">{u.title}</span>{' '}
        <span className="badge scan-pending">{t('uploads.waiting')}</span>
      </td>
      {showSchool && <td>{schools.find((s) => s.id === u.school_id)?.name}</td>}
      <td>{extension.toUpperCase()}</td>
      <td className="num nowrap">{fmt.bytes(u.size)}</td>
      <td className="nowrap">{fmt.date(u.created_at)}</td>
      <td>
        <span className="upload-state" role="status">
          {sending ? (
            <>
              <progress
                value={progress.sent}
                max={Math.max(1, progress.total)}
                aria-label={t('uploads.sending', {
                  percent: fmt.percent(progress.sent / Math.max(1, progress.total)),
                })}
              />
              <span className="muted nowrap">
                {t('uploads.sending', { percent: fmt.percent(progress.sent / Math.max(1, progress.total)) })}
              </span>
            </>
          ) : (
            <span className="muted">{u.last_error ? t('uploads.retrying') : t('uploads.waiting')}</span>
          )}
        </span>
      </td>
    </tr>
  );
}

export function ResourcesScreen() {
  const { t } = useI18n();
  const searchId = useId();
  const schoolId = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  // The list applies the teacher's own edits itself (their field writes come with the event).
  const version = useChanges((s) => s.synced);
  const rows = useResources((s) => s.rows);
  const uploads = useResources((s) => s.pendingUploads);
  const [editing, setEditing] = useState<number | null>(null);
  const loaded = useResources((s) => s.loaded);
  const error = useResources((s) => s.error);
  const [search, setSearch] = useState(useResources.getState().search);
  const debounced = useDebounced(search, 200);
  // An upload that left the queue (sent or refused) changes what waits: read the list again.
  const waiting = useSync((s) => s.status?.uploads ?? 0);

  useEffect(() => {
    if (debounced !== useResources.getState().search) useResources.getState().setSearch(debounced);
  }, [debounced]);
  useEffect(() => {
    void useResources.getState().load(schoolId);
  }, [schoolId, version, waiting]);

  const showSchool = schoolId === null && schools.length > 1;

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('resources.title')}</h1>
      </div>
      <div className="resources-layout">
        <section>
          <div className="filters" role="search">
            <div className="field">
              <label htmlFor={searchId}>{t('resources.search')}</label>
              <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
            </div>
          </div>
          <ErrorLine error={error} />
          {!loaded ? (
            <p className="muted">{t('common.loading')}</p>
          ) : rows.length === 0 && uploads.length === 0 ? (
            <p className="empty">{search.trim() ? t('resources.noMatch') : t('resources.none')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('col.title')}</th>
                    {showSchool && <th scope="col">{t('session.school')}</th>}
                    <th scope="col">{t('col.type')}</th>
                    <th scope="col" className="num">
                      {t('col.size')}
                    </th>
                    <th scope="col">{t('col.added')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('col.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {uploads.map((u) => (
                    <PendingUploadRow key={`upload-${u.id}`} u={u} showSchool={showSchool} />
                  ))}
                  {rows.map((r) =>
                    editing === r.id ? (
                      <tr key={`${r.school_id}-${r.id}`}>
                        <td colSpan={showSchool ? 6 : 5}>
                          <ResourceEdit resource={r} onDone={() => setEditing(null)} />
                        </td>
                      </tr>
                    ) : (
                      <ResourceRowView
                        key={`${r.school_id}-${r.id}`}
                        r={r}
                        showSchool={showSchool}
                        onEdit={() => setEditing(r.id)}
                      />
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <UploadForm />
      </div>
    </div>
  );
}
