/**
 * Roster import (docs/ARCHITECTURE.md, "Running a school"): the files of a OneRoster 1.2 CSV
 * export (its CSV files, or one zip) are checked by a dry run — what would be created, updated
 * and deactivated, and the rows in error by file, line and column — and imported only after a
 * check of those same files found no error. The import is all or nothing and is recorded in the
 * audit log.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ImportReport } from '../../../shared/roster-api.js';
import { api, ApiError, school } from '../api.js';
import { useT, type ConsoleI18n, type ConsoleKey } from '../i18n.js';
import { ErrorLine } from '../list.js';

const KINDS = ['users', 'courses', 'enrolments'] as const;
const COUNTS = ['created', 'updated', 'deactivated', 'unchanged', 'skipped'] as const;

/** What the answer says, for a school secretary: the limit of a too-large upload, and why others failed. */
function problem(e: Error, t: ConsoleI18n['t']): Error {
  if (!(e instanceof ApiError)) return e;
  switch (e.status) {
    case 413: {
      // The server's message names its limit (server/http/roster-upload.ts).
      const limit = /at most (\d+) MB/.exec(e.message)?.[1];
      return new Error(
        limit ? t('import.tooLarge', { limit }) : t('import.tooLargeUnknown', { message: e.message }),
      );
    }
    case 415:
      return new Error(t('import.unsupported', { message: e.message }));
    case 400:
      return new Error(t('import.unreadable', { message: e.message }));
    case 422: {
      // Rows in error when applying (the school changed since the check): the report lists them.
      const count = (e.body as { report?: ImportReport } | undefined)?.report?.error_count;
      return new Error(count ? t('import.rejected', { count }) : e.message);
    }
    default:
      return e;
  }
}

const changes = (r: ImportReport) =>
  KINDS.reduce((n, k) => n + r[k].created + r[k].updated + r[k].deactivated, 0);

export function ImportScreen({ schoolId }: { schoolId: number }) {
  const { t } = useT();
  const at = school(schoolId);
  const [files, setFiles] = useState<File[]>([]);
  /** The last answer, and the files it was about (Import needs a clean check of these very files). */
  const [report, setReport] = useState<{ of: File[]; body: ImportReport } | null>(null);
  const [busy, setBusy] = useState<'check' | 'apply' | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // Once an answer shows, focus goes to its heading (what a screen reader reads next).
  useEffect(() => {
    if (report) heading.current?.focus();
  }, [report]);

  const send = async (dryRun: boolean) => {
    const of = files;
    const form = new FormData();
    for (const f of of) form.append('file', f, f.name);
    setBusy(dryRun ? 'check' : 'apply');
    setError(null);
    setSaid(null);
    try {
      const body = await api<ImportReport>('POST', at('/imports'), {
        query: { dry_run: dryRun ? 'true' : undefined },
        body: form,
      });
      setReport({ of, body });
      if (dryRun)
        setSaid(
          body.error_count > 0
            ? t('import.checkedErrors', { count: body.error_count })
            : t('import.checkedClean'),
        );
      else setSaid(body.applied ? t('import.done') : t('import.doneNothing'));
    } catch (e) {
      // An import refused for its rows answers 422 with the report: its errors are shown too.
      const refused =
        e instanceof ApiError && e.status === 422
          ? (e.body as { report?: ImportReport } | undefined)?.report
          : undefined;
      setReport(refused ? { of, body: refused } : null);
      setError(problem(e as Error, t));
    } finally {
      setBusy(null);
    }
  };

  const check = (e: FormEvent) => {
    e.preventDefault();
    void send(true);
  };
  const r = report?.body;
  const sameFiles = report !== null && report.of === files;
  const cleanCheck = sameFiles && r !== undefined && r.dry_run && r.error_count === 0;
  const imported = sameFiles && r !== undefined && !r.dry_run && r.error_count === 0;
  const canImport = busy === null && cleanCheck && changes(r) > 0;

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('import.title')}</h1>
      </div>
      <p className="muted">{t('import.intro')}</p>
      <ErrorLine error={error} />
      {/* The check's summary, read out; in the error colour when rows are in error. */}
      <p role="status" className={`said${r?.error_count ? ' error' : ''}`}>
        {said ?? ''}
      </p>
      <section className="card" aria-labelledby="import-choose">
        <h2 id="import-choose">{t('import.choose')}</h2>
        <form className="inline-form" onSubmit={check}>
          <div className="field">
            <label htmlFor="import-files">{t('import.files')}</label>
            <input
              id="import-files"
              type="file"
              multiple
              accept=".csv,.zip"
              required
              aria-describedby="import-chosen"
              onChange={(e) => {
                setFiles(Array.from(e.target.files ?? []));
                setReport(null);
                setError(null);
                setSaid(null);
              }}
            />
          </div>
          <div className="form-actions">
            <button type="submit" disabled={busy !== null || files.length === 0}>
              {busy === 'check' ? t('import.checking') : t('import.check')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={!canImport}
              aria-describedby="import-need-check"
              onClick={() => void send(false)}
            >
              {busy === 'apply' ? t('import.applying') : t('import.apply')}
            </button>
          </div>
        </form>
        <p id="import-chosen" className="muted small">
          {files.length > 0 &&
            `${t('import.chosen', { count: files.length })}: ${files.map((f) => f.name).join(', ')}`}
        </p>
        <p id="import-need-check" className="muted small">
          {cleanCheck || imported ? '' : t('import.needCheck')}
        </p>
      </section>
      {r && (
        <section className="card" aria-labelledby="import-report">
          <h2 id="import-report" ref={heading} tabIndex={-1}>
            {r.dry_run
              ? t('import.checkTitle')
              : r.applied
                ? t('import.resultTitle')
                : t('import.rejectedTitle')}
          </h2>
          {r.dry_run && r.error_count === 0 && (
            <p className="ok">{changes(r) > 0 ? t('import.clean') : t('import.nothing')}</p>
          )}
          {!r.dry_run && r.error_count === 0 && (
            <p>
              {r.applied ? t('import.done') : t('import.doneNothing')}{' '}
              {r.applied && <a href="#/audit">{t('import.seeAudit')}</a>}
            </p>
          )}
          <div className="table-wrap">
            <table className="table">
              <caption className="muted small import-caption">{t('import.countsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.kind')}</th>
                  {COUNTS.map((c) => (
                    <th scope="col" key={c}>
                      {t(`import.${c}` as ConsoleKey)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {KINDS.map((k) => (
                  <tr key={k}>
                    <th scope="row">{t(`import.${k}` as ConsoleKey)}</th>
                    {COUNTS.map((c) => (
                      <td key={c}>{r[k][c]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.error_count > 0 && (
            <>
              <h3 id="import-errors" className="import-errors">
                {t('import.errorsTitle')}
              </h3>
              <p className="error">{t('import.errorCount', { count: r.error_count })}</p>
              {r.errors.length < r.error_count && (
                <p className="muted small">
                  {t('import.errorsShown', { shown: r.errors.length, count: r.error_count })}
                </p>
              )}
              <div className="table-wrap">
                <table className="table" aria-labelledby="import-errors">
                  <thead>
                    <tr>
                      <th scope="col">{t('import.file')}</th>
                      <th scope="col">{t('import.line')}</th>
                      <th scope="col">{t('import.column')}</th>
                      <th scope="col">{t('import.message')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.errors.map((x, i) => (
                      <tr key={i}>
                        <td>
                          <code>{x.file}</code>
                        </td>
                        <td>{x.line ?? t('import.wholeFile')}</td>
                        <td>{x.column ? <code>{x.column}</code> : '—'}</td>
                        <td>{x.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}
