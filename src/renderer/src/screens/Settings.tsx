/** Device settings, updates and the account (sign out). */
import { useEffect, useId, useState } from 'react';
import { ErrorLine } from '../components/bits.js';
import { useI18n } from '../i18n/useI18n.js';
import { useAuth } from '../state/auth.js';
import { signOut } from '../state/reset.js';
import { useSettings } from '../state/settings.js';
import { useEmailPrefs } from '../state/email-prefs.js';
import { useFlag } from '../state/flags.js';
import { useSchools } from '../state/schools.js';
import {
  NOTIFICATION_TYPES,
  type EmailChoice,
  type EmailPrefsChange,
  type Language,
  type Settings,
  type UpdateState,
} from '../types.js';

const EMAIL_CHOICES: EmailChoice[] = ['off', 'immediate', 'digest'];

/**
 * Which notifications also come by email, as they happen or in a daily summary, and in which
 * language: kept on the server (GET/PUT /api/me/notification-preferences), so it needs a
 * connection; offline the section says so.
 */
function EmailPreferencesSection({ email }: { email: string }) {
  const { t } = useI18n();
  const ids = { language: useId(), intro: useId() };
  const prefs = useEmailPrefs((s) => s.prefs);
  const loading = useEmailPrefs((s) => s.loading);
  const error = useEmailPrefs((s) => s.error);
  const savedAt = useEmailPrefs((s) => s.savedAt);
  useEffect(() => {
    void useEmailPrefs.getState().load();
  }, []);
  const save = (change: EmailPrefsChange) => useEmailPrefs.getState().save(change);
  return (
    <section className="card" aria-labelledby={`${ids.intro}-h`}>
      <h2 id={`${ids.intro}-h`}>{t('emailPrefs.title')}</h2>
      <p className="muted" id={ids.intro}>
        {t('emailPrefs.intro', { email })}
      </p>
      {error && !prefs ? (
        <p className="muted">{t('emailPrefs.offline')}</p>
      ) : !prefs ? (
        <p className="muted">{loading ? t('emailPrefs.loading') : ''}</p>
      ) : (
        <>
          <ErrorLine error={error} />
          {NOTIFICATION_TYPES.map((type) => (
            <EmailChoiceField
              key={type}
              label={t(`notificationType.${type}`)}
              value={prefs.email[type]}
              onChange={(v) => void save({ email: { [type]: v } })}
            />
          ))}
          <div className="field">
            <label htmlFor={ids.language}>{t('emailPrefs.language')}</label>
            <select
              id={ids.language}
              value={prefs.language}
              onChange={(e) => void save({ language: e.target.value as 'en' | 'pt-PT' })}
            >
              <option value="en" lang="en">
                English
              </option>
              <option value="pt-PT" lang="pt-PT">
                Português
              </option>
            </select>
          </div>
          <p className="muted" aria-live="polite">
            {savedAt > 0 ? t('emailPrefs.saved') : ''}
          </p>
        </>
      )}
    </section>
  );
}

function EmailChoiceField(props: { label: string; value: EmailChoice; onChange(v: EmailChoice): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as EmailChoice)}>
        {EMAIL_CHOICES.map((c) => (
          <option key={c} value={c}>
            {t(`emailPrefs.choice.${c}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A whole-number field saved on blur or Enter, checked against its bounds first. */
function NumberSetting(props: {
  label: string;
  hint: string;
  value: number;
  min: number;
  max: number;
  onSave: (v: number) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(String(props.value));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => setText(String(props.value)), [props.value]);
  const commit = () => {
    const v = Number(text);
    const ok = text.trim() !== '' && Number.isInteger(v) && v >= props.min && v <= props.max;
    setInvalid(!ok);
    if (ok && v !== props.value) props.onSave(v);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <p id={`${id}-hint`} className={invalid ? 'field-error' : 'muted small'}>
        {invalid ? t('settings.invalidNumber', { min: props.min, max: props.max }) : props.hint}
      </p>
    </div>
  );
}

function updateText(
  t: ReturnType<typeof useI18n>['t'],
  fmt: ReturnType<typeof useI18n>['fmt'],
  u: UpdateState,
): string {
  const version = u.version ?? '';
  switch (u.state) {
    case 'idle':
      return t('update.idle');
    case 'checking':
      return t('update.checking');
    case 'available':
      return t('update.available', { version });
    case 'downloading':
      return t('update.downloading', { version, percent: fmt.percent((u.percent ?? 0) / 100) });
    case 'ready':
      return t('update.ready', { version });
    case 'none':
      return t('update.none');
    case 'error':
      return t('update.error', { message: u.message ?? '' });
    case 'unsupported':
      return t('update.unsupported');
  }
}

export function SettingsScreen() {
  const { t, fmt } = useI18n();
  const ids = { language: useId(), popups: useId() };
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const version = useSettings((s) => s.version);
  const savedAt = useSettings((s) => s.savedAt);
  const error = useSettings((s) => s.error);
  const auth = useAuth((s) => s.state);
  // Email by preference is behind the `email_notifications` flag (for the school shown).
  const emailOn = useFlag(
    'email_notifications',
    useSchools((s) => s.selected),
  );
  const busy = useAuth((s) => s.busy);
  const save = (patch: Partial<Settings>) => void useSettings.getState().save(patch);

  return (
    <div className="screen settings">
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <ErrorLine error={error} />
      <p className="muted" aria-live="polite">
        {savedAt > 0 ? t('settings.saved') : ''}
      </p>
      {settings && (
        <>
          <section className="card">
            <h2>{t('settings.notifications')}</h2>
            <NumberSetting
              label={t('settings.reminder')}
              hint={t('settings.reminderHint')}
              value={settings.reminderLeadMinutes}
              min={0}
              max={24 * 60}
              onSave={(v) => save({ reminderLeadMinutes: v })}
            />
            <fieldset className="checks">
              <legend id={ids.popups}>{t('settings.popups')}</legend>
              {NOTIFICATION_TYPES.map((type) => (
                <label key={type} className="check">
                  <input
                    type="checkbox"
                    checked={settings.popupTypes.includes(type)}
                    onChange={(e) =>
                      save({
                        popupTypes: e.target.checked
                          ? [...settings.popupTypes, type]
                          : settings.popupTypes.filter((x) => x !== type),
                      })
                    }
                  />
                  {t(`notificationType.${type}`)}
                </label>
              ))}
            </fieldset>
          </section>
          {auth?.user && emailOn && <EmailPreferencesSection email={auth.user.email} />}
          <section className="card">
            <h2>{t('settings.general')}</h2>
            <div className="field">
              <label htmlFor={ids.language}>{t('settings.language')}</label>
              <select
                id={ids.language}
                value={settings.language}
                onChange={(e) => save({ language: e.target.value as Language })}
              >
                <option value="system">{t('language.system')}</option>
                <option value="en" lang="en">
                  English
                </option>
                <option value="pt-PT" lang="pt-PT">
                  Português
                </option>
              </select>
            </div>
            <NumberSetting
              label={t('settings.storage')}
              hint={t('settings.storageHint')}
              value={settings.storageQuotaMb}
              min={100}
              max={1024 * 1024}
              onSave={(v) => save({ storageQuotaMb: v })}
            />
          </section>
        </>
      )}
      <section className="card">
        <h2>{t('settings.updates')}</h2>
        <p className="muted">{version ? t('settings.version', { version }) : ''}</p>
        {update && (
          <>
            <p aria-live="polite">{updateText(t, fmt, update)}</p>
            {update.state === 'downloading' && (
              <progress value={update.percent ?? 0} max={100} aria-label={t('update.progressLabel')} />
            )}
            {update.state === 'ready' && (
              <button
                type="button"
                className="primary"
                onClick={() => void useSettings.getState().installUpdate()}
              >
                {t('update.restart')}
              </button>
            )}
          </>
        )}
      </section>
      <section className="card">
        <h2>{t('settings.account')}</h2>
        {auth?.user && <p>{t('settings.signedInAs', { name: auth.user.name, email: auth.user.email })}</p>}
        {auth?.serverUrl && <p className="muted">{t('settings.server', { url: auth.serverUrl })}</p>}
        {auth && !auth.tokenPersisted && <p className="note">{t('signIn.noSecureStorage')}</p>}
        <button type="button" className="danger" disabled={busy} onClick={() => void signOut()}>
          {t('settings.signOut')}
        </button>
      </section>
    </div>
  );
}
