/** The "Saving… / Saved on this device" line of a field that saves as the teacher types. */
import { useI18n } from '../i18n/useI18n.js';
import type { SaveState } from '../lib/useAutosave.js';
import { useSync } from '../state/sync.js';

export function SaveStatus(props: { id: string; state: SaveState; failed: string; online?: boolean }) {
  const { t } = useI18n();
  const synced = useSync((s) => s.status?.online ?? false);
  const online = props.online ?? synced;
  const text =
    props.state === 'typing'
      ? t('notes.saving')
      : props.state === 'failed'
        ? props.failed
        : props.state === 'saved'
          ? online
            ? t('notes.saved')
            : `${t('notes.saved')}. ${t('notes.willSync')}`
          : '';
  return (
    <p id={props.id} className="muted save-state" aria-live="polite">
      {text}
    </p>
  );
}
