/**
 * The admin console (docs/ARCHITECTURE.md, "Admin console"): sign in with a Classdesk account,
 * pick one of the schools you administer, manage it. Screens are chosen by the URL's hash
 * (#/teachers, #/import …); an invitation link (#/invitation/<token>) opens its own page.
 */
import { useEffect, useMemo, useState } from 'react';
import type { MembershipPublic, UserPublic } from '../../shared/entities.js';
import { api, hasToken, setToken, whenSignedOut } from './api.js';
import { consoleI18n, I18nContext, type ConsoleKey, type LanguageSetting } from './i18n.js';
import { InvitationPage } from './Invitation.js';
import { SchoolPicker } from './SchoolPicker.js';
import { SignIn } from './SignIn.js';
import { AnnouncementsScreen } from './screens/Announcements.js';
import { AuditScreen } from './screens/Audit.js';
import { FlagsScreen } from './screens/Flags.js';
import { CoursesScreen } from './screens/Courses.js';
import { ImportScreen } from './screens/Import.js';
import { ResourcesScreen } from './screens/Resources.js';
import { SessionsScreen } from './screens/Sessions.js';
import { StudentsScreen } from './screens/Students.js';
import { TeachersScreen } from './screens/Teachers.js';
import { TimetableScreen } from './screens/Timetable.js';

export interface Me {
  user: UserPublic;
  memberships: MembershipPublic[];
}

const SCREENS = {
  teachers: TeachersScreen,
  courses: CoursesScreen,
  students: StudentsScreen,
  sessions: SessionsScreen,
  timetable: TimetableScreen,
  announcements: AnnouncementsScreen,
  resources: ResourcesScreen,
  import: ImportScreen,
  flags: FlagsScreen,
  audit: AuditScreen,
} as const;
type ScreenName = keyof typeof SCREENS;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const systemLanguages = () => (navigator.languages?.length ? navigator.languages : [navigator.language]);

export function App() {
  const [setting, setSetting] = useState<LanguageSetting>(
    () => (localStorage.getItem('classdesk-console-language') as LanguageSetting | null) ?? 'system',
  );
  const i18n = useMemo(() => consoleI18n(setting, systemLanguages()), [setting]);
  const { t } = i18n;
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(hasToken());
  const [schoolId, setSchoolId] = useState<number | null>(
    () => Number(sessionStorage.getItem('classdesk-console-school')) || null,
  );
  const hash = useHash();

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('app.title');
  }, [i18n, t]);
  useEffect(() => {
    whenSignedOut(() => setMe(null));
    if (!hasToken()) return;
    api<Me>('GET', '/api/me')
      .then(setMe)
      .catch(() => setToken(null))
      .finally(() => setChecking(false));
  }, []);

  const chooseLanguage = (v: LanguageSetting) => {
    localStorage.setItem('classdesk-console-language', v);
    setSetting(v);
  };
  const chooseSchool = (id: number | null) => {
    if (id) sessionStorage.setItem('classdesk-console-school', String(id));
    else sessionStorage.removeItem('classdesk-console-school');
    setSchoolId(id);
  };
  const signOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setToken(null);
    chooseSchool(null);
    setMe(null);
  };
  const refreshMe = async () => setMe(await api<Me>('GET', '/api/me'));

  const languagePicker = (
    <div className="language">
      <label htmlFor="console-language">{t('app.language')}</label>
      <select
        id="console-language"
        value={setting}
        onChange={(e) => chooseLanguage(e.target.value as LanguageSetting)}
      >
        <option value="system">{t('app.language.system')}</option>
        <option value="en">English</option>
        <option value="pt-PT">Português</option>
      </select>
    </div>
  );

  let body;
  const invitation = /^#\/invitation\/([A-Za-z0-9_-]{43})$/.exec(hash);
  const adminSchools = (me?.memberships ?? []).filter((m) => m.role === 'admin');
  const school =
    adminSchools.find((s) => s.school_id === schoolId) ??
    (adminSchools.length === 1 ? adminSchools[0] : undefined);
  if (invitation) {
    body = <InvitationPage token={invitation[1]!} onSignedIn={(m) => setMe(m)} />;
  } else if (checking) {
    body = <p className="boot">{t('app.loading')}</p>;
  } else if (!me) {
    body = <SignIn onSignedIn={setMe} />;
  } else if (!school) {
    body = (
      <SchoolPicker me={me} onPick={chooseSchool} onSignOut={() => void signOut()} onJoined={refreshMe} />
    );
  } else {
    const name = (/^#\/(\w+)/.exec(hash)?.[1] ?? 'teachers') as ScreenName;
    const Screen = SCREENS[name] ?? TeachersScreen;
    const current = SCREENS[name] ? name : 'teachers';
    body = (
      <div className="app">
        <a
          className="skip-link button-link"
          href="#console-main"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('console-main')?.focus();
          }}
        >
          {t('app.skip')}
        </a>
        <header className="topbar">
          <span className="brand">{t('app.title')}</span>
          {adminSchools.length > 1 ? (
            <div className="school-switcher">
              <label htmlFor="console-school">{t('app.school')}</label>
              <select
                id="console-school"
                value={school.school_id}
                onChange={(e) => chooseSchool(Number(e.target.value))}
              >
                {adminSchools.map((s) => (
                  <option key={s.school_id} value={s.school_id}>
                    {s.school_name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <span className="school-name">{school.school_name}</span>
          )}
          <div className="top-actions">
            {languagePicker}
            <span className="muted small">{me.user.email}</span>
            <button type="button" onClick={() => void signOut()}>
              {t('app.signOut')}
            </button>
          </div>
        </header>
        <nav className="sidebar" aria-label={t('nav.label')}>
          <ul>
            {(Object.keys(SCREENS) as ScreenName[]).map((s) => (
              <li key={s}>
                <a className="nav-link" href={`#/${s}`} aria-current={s === current ? 'page' : undefined}>
                  {t(`nav.${s}` as ConsoleKey)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main" id="console-main" tabIndex={-1}>
          <Screen key={`${school.school_id}-${current}`} schoolId={school.school_id} me={me} />
        </main>
      </div>
    );
  }
  return (
    <I18nContext.Provider value={i18n}>
      {(!me || !school || invitation) && <div className="corner">{languagePicker}</div>}
      {body}
    </I18nContext.Provider>
  );
}
