/**
 * Lesson notes that save as the teacher types: an edit ~500 ms after the last keystroke (and on
 * blur or leaving the page). Changes arriving from the store don't overwrite unsaved typing.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { useSession } from '../state/session.js';

const SAVE_DELAY_MS = 500;

type SaveState = 'idle' | 'typing' | 'saved' | 'failed';

export function LessonNotes(props: { sessionId: number; notes: string; online: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const statusId = useId();
  const [text, setText] = useState(props.notes);
  const [state, setState] = useState<SaveState>('idle');
  const textRef = useRef(props.notes);
  /** The last value the store had or we sent it: the textarea is "dirty" when it differs. */
  const baseline = useRef(props.notes);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = () => {
    if (timer.current === undefined) return;
    clearTimeout(timer.current);
    timer.current = undefined;
    const value = textRef.current;
    baseline.current = value;
    void useSession
      .getState()
      .saveNotes(props.sessionId, value)
      .then((ok) => setState(ok ? 'saved' : 'failed'));
  };
  const flushRef = useRef(flush);
  flushRef.current = flush;

  // Leaving the page saves what was typed.
  useEffect(() => () => flushRef.current(), []);

  // A new value from the store (sync, another device) replaces the text unless typing is pending.
  useEffect(() => {
    if (timer.current === undefined && textRef.current === baseline.current) {
      textRef.current = props.notes;
      setText(props.notes);
    }
    baseline.current = timer.current === undefined ? props.notes : baseline.current;
  }, [props.notes]);

  const statusText =
    state === 'typing'
      ? t('notes.saving')
      : state === 'failed'
        ? t('notes.failed')
        : state === 'saved'
          ? props.online
            ? t('notes.saved')
            : `${t('notes.saved')}. ${t('notes.willSync')}`
          : '';

  return (
    <div className="notes">
      <h2>
        <label htmlFor={id}>{t('notes.label')}</label>
      </h2>
      <textarea
        id={id}
        rows={8}
        maxLength={100_000}
        value={text}
        aria-describedby={statusId}
        onChange={(e) => {
          textRef.current = e.target.value;
          setText(e.target.value);
          setState('typing');
          if (timer.current !== undefined) clearTimeout(timer.current);
          timer.current = setTimeout(() => flushRef.current(), SAVE_DELAY_MS);
        }}
        onBlur={() => flush()}
      />
      <p id={statusId} className="muted save-state" aria-live="polite">
        {statusText}
      </p>
    </div>
  );
}
