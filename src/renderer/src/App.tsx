import { useEffect, useState } from 'react';
import type { ClassdeskApi } from '../../shared/ipc.js';

declare global {
  interface Window {
    classdesk: ClassdeskApi;
  }
}

/** The app frame. Screens (sign-in, dashboard, sessions…) arrive with the desktop UI. */
export function App() {
  const [info, setInfo] = useState<{ version: string; platform: string } | null>(null);
  useEffect(() => {
    void window.classdesk['app:info']().then((r) => r.ok && setInfo(r.value));
  }, []);
  return (
    <main>
      <h1>Classdesk</h1>
      <p>{info ? `Version ${info.version} (${info.platform})` : 'Starting…'}</p>
    </main>
  );
}
