/**
 * Lesson notes (the plan's free notes) that save as the teacher types, with a Markdown preview.
 * They keep their own edit type, update_lesson_notes: the same field as update_lesson_plan's
 * `notes`, so both merge and conflict alike (docs/ARCHITECTURE.md, "Lesson plans").
 */
import { useI18n } from '../i18n/useI18n.js';
import { useSession } from '../state/session.js';
import { MarkdownField } from './plan/MarkdownField.js';

export function LessonNotes(props: { sessionId: number; notes: string; online: boolean }) {
  const { t } = useI18n();
  return (
    <div className="notes">
      <MarkdownField
        label={t('notes.label')}
        heading={(label) => <h2>{label}</h2>}
        stored={props.notes}
        save={(v) => useSession.getState().saveNotes(props.sessionId, v)}
        failed={t('notes.failed')}
        rows={8}
        maxLength={100_000}
        online={props.online}
      />
    </div>
  );
}
