/**
 * Edits kept aside from schools removed from this device (docs/ARCHITECTURE.md, invariant 4): each
 * names its school and what it was about (the class and when it was), shows the teacher's own text,
 * and can be copied, exported with the others (the CLI's export document) or deleted from the device.
 */
import { useState } from 'react';
import { ConfirmDialog } from './bits.js';
import { useI18n } from '../i18n/useI18n.js';
import { saveTextFile } from '../lib/download.js';
import { useSync } from '../state/sync.js';
import type { QuarantineItem } from '../types.js';

const ATTENDANCE = ['unknown', 'present', 'absent', 'late'] as const;

function parseArgs(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The parts of a kept-aside edit a person reads: its heading, where it was, and the teacher's text. */
function useKeptView(typeLabel: (type: string) => string) {
  const { t, fmt } = useI18n();
  return (q: QuarantineItem) => {
    const args = parseArgs(q.args);
    const subject = q.subject
      ? q.subject_at
        ? t('quarantine.class', { subject: q.subject, time: fmt.dateTime(q.subject_at) })
        : q.subject
      : null;
    const lines: string[] = [];
    if (typeof args.lesson_notes === 'string') lines.push(args.lesson_notes);
    const mark = ATTENDANCE.find((a) => a === args.attendance);
    if (mark) lines.push(t('quarantine.attendance', { value: t(`attendance.${mark}`) }));
    if (q.type === 'update_resource_metadata' || q.type === 'upload_resource') {
      if (typeof args.title === 'string' && args.title !== q.subject) lines.push(args.title);
      if (typeof args.description === 'string' && args.description) lines.push(args.description);
    }
    if (q.type === 'upload_resource' && typeof args.file_name === 'string')
      lines.push(t('quarantine.file', { file: args.file_name, size: fmt.bytes(Number(args.size) || 0) }));
    const heading = `${typeLabel(q.type)}${subject ? ` — ${subject}` : ''}`;
    const made = t('attention.madeAt', { time: fmt.moment(q.created_at) });
    return {
      heading,
      where: `${q.school_name} · ${made}`,
      text: lines.join('\n\n'),
      /** What Copy puts on the clipboard: enough to know where the work belongs. */
      copy: [heading, `${q.school_name} · ${made}`, '', ...lines].join('\n').trimEnd(),
    };
  };
}

function KeptItem({ q, typeLabel }: { q: QuarantineItem; typeLabel: (type: string) => string }) {
  const { t } = useI18n();
  const view = useKeptView(typeLabel)(q);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(view.copy);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <li className="card kept-item">
      <h3 className="h3">{view.heading}</h3>
      <p className="muted small">{view.where}</p>
      {view.text && <p className="pre kept-text">{view.text}</p>}
      <div className="form-actions">
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={t('quarantine.copyNamed', { what: view.heading })}
        >
          {t('quarantine.copy')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setConfirming(true)}
          aria-label={t('quarantine.discardNamed', { what: view.heading })}
        >
          {t('quarantine.discard')}
        </button>
        <span className={copied === 'failed' ? 'error' : 'muted'} aria-live="polite">
          {copied === 'yes' ? t('quarantine.copied') : copied === 'failed' ? t('quarantine.copyFailed') : ''}
        </span>
      </div>
      <ConfirmDialog
        open={confirming}
        danger
        title={t('quarantine.discardTitle')}
        onConfirm={() => void useSync.getState().discardQuarantine(q.id)}
        onClose={() => setConfirming(false)}
      >
        <p>{view.heading}</p>
        <p>{t('quarantine.discardConfirm')}</p>
      </ConfirmDialog>
    </li>
  );
}

export function KeptAside({ typeLabel }: { typeLabel: (type: string) => string }) {
  const { t } = useI18n();
  const quarantine = useSync((s) => s.quarantine);
  const [exported, setExported] = useState<string | null>(null);

  const exportAll = async () => {
    const file = await useSync.getState().exportQuarantine();
    if (!file) return;
    saveTextFile(file.fileName, file.json);
    setExported(file.fileName);
  };

  return (
    <section className="card kept-aside" aria-labelledby="kept-aside-title">
      <h2 id="kept-aside-title">{t('quarantine.title')}</h2>
      {quarantine.length === 0 ? (
        <p className="muted">{t('quarantine.none')}</p>
      ) : (
        <>
          <p className="muted">
            {t('quarantine.count', { count: quarantine.length })}. {t('quarantine.intro')}
          </p>
          <ul className="attention-list">
            {quarantine.map((q) => (
              <KeptItem key={q.id} q={q} typeLabel={typeLabel} />
            ))}
          </ul>
          <div className="form-actions">
            <button type="button" onClick={() => void exportAll()}>
              {t('quarantine.export')}
            </button>
            <span className="muted" aria-live="polite">
              {exported ? t('quarantine.exported', { file: exported }) : ''}
            </span>
          </div>
        </>
      )}
    </section>
  );
}
