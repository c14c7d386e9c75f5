/** Boots the renderer: listens to the core, then shows sign-in or the app frame. */
import { useEffect } from 'react';
import { Shell } from './components/Shell.js';
import { SignIn } from './screens/SignIn.js';
import { useI18n } from './i18n/useI18n.js';
import { useAuth } from './state/auth.js';
import { connectEvents } from './state/events.js';
import { startRouter } from './state/router.js';
import { useSettings } from './state/settings.js';

export function App() {
  const auth = useAuth((s) => s.state);
  const fatal = useAuth((s) => s.fatal);
  const { t, language } = useI18n();

  useEffect(() => {
    let stopEvents = () => {};
    try {
      stopEvents = connectEvents();
    } catch {
      // No bridge: auth.load() below reports it.
    }
    const stopRouter = startRouter();
    void useSettings.getState().load();
    void useAuth.getState().load();
    return () => {
      stopEvents();
      stopRouter();
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.name');
  }, [language, t]);

  if (fatal)
    return (
      <main className="boot">
        <h1>{t('app.name')}</h1>
        <p role="alert">{t('app.coreUnavailable', { message: fatal })}</p>
      </main>
    );
  if (!auth)
    return (
      <main className="boot" aria-busy="true">
        <h1>{t('app.name')}</h1>
        <p>{t('app.starting')}</p>
      </main>
    );
  return auth.signedIn ? <Shell /> : <SignIn auth={auth} />;
}
