/** The app frame: top bar (school, sync status), side navigation, the current screen, toasts. */
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { AttentionScreen } from '../screens/Attention.js';
import { DashboardScreen } from '../screens/Dashboard.js';
import { NotificationsScreen } from '../screens/Notifications.js';
import { PlanPrintScreen } from '../screens/PlanPrint.js';
import { ResourcesScreen } from '../screens/Resources.js';
import { SessionScreen } from '../screens/Session.js';
import { SessionsScreen } from '../screens/Sessions.js';
import { SettingsScreen } from '../screens/Settings.js';
import { StudentScreen } from '../screens/Student.js';
import { StudentsScreen } from '../screens/Students.js';
import { SearchScreen } from '../screens/Search.js';
import { WeekScreen } from '../screens/Week.js';
import { useChanges } from '../state/changes.js';
import { loadSignedIn } from '../state/events.js';
import { useNotifications } from '../state/notifications.js';
import { useRouter } from '../state/router.js';
import { routePath, type Route } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { useSync } from '../state/sync.js';
import { Nav } from './Nav.js';
import { RevokedNotice } from './RevokedNotice.js';
import { SchoolSwitcher } from './SchoolSwitcher.js';
import { SyncStatusBar } from './SyncStatusBar.js';
import { Toasts } from './Toasts.js';

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'sessions':
      return <SessionsScreen />;
    case 'session':
      return <SessionScreen key={route.id} id={route.id} />;
    case 'planPrint':
      return <PlanPrintScreen id={route.id} week={route.week} />;
    case 'students':
      return <StudentsScreen />;
    case 'student':
      return <StudentScreen key={`${route.schoolId}/${route.id}`} schoolId={route.schoolId} id={route.id} />;
    case 'resources':
      return <ResourcesScreen />;
    case 'notifications':
      return <NotificationsScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'attention':
      return <AttentionScreen />;
    case 'search':
      return <SearchScreen />;
    case 'week':
      return <WeekScreen start={route.start} />;
  }
}

export function Shell() {
  const { t } = useI18n();
  const route = useRouter((s) => s.route);
  const selected = useSchools((s) => s.selected);
  // The notification list applies the teacher's own edits itself; the switcher's counts re-read.
  const synced = useChanges((s) => s.synced);
  const version = useChanges((s) => s.version);
  const mainRef = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);

  useEffect(() => {
    void loadSignedIn();
  }, []);

  // Badges and the switcher follow the local store.
  useEffect(() => {
    void useNotifications.getState().load(selected);
  }, [selected, synced]);
  useEffect(() => {
    if (version === 0) return;
    void useSchools
      .getState()
      .load()
      .then(() => useSync.getState().progressFromSchools(useSchools.getState().schools));
  }, [version]);

  // After navigating, put the keyboard and screen reader at the new screen's title.
  const path = routePath(route);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const main = mainRef.current;
      const h1 = main?.querySelector<HTMLElement>('h1');
      (h1 ?? main)?.focus({ preventScroll: false });
    });
    return () => cancelAnimationFrame(frame);
  }, [path]);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        {t('app.skip')}
      </button>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <SchoolSwitcher />
        <SyncStatusBar />
      </header>
      <div className="side">
        <Nav route={route} />
        <Toasts />
      </div>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        <RevokedNotice />
        <Screen route={route} />
      </main>
    </div>
  );
}
