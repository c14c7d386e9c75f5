/** The few words the shell shows natively (tray, notifications), in the app's languages. */
import type { Settings } from '../../shared/ipc.js';

export type Lang = 'en' | 'pt-PT';

const EN = {
  open: 'Open Classdesk',
  syncNow: 'Sync now',
  quit: 'Quit Classdesk',
  signedOut: 'Not signed in',
  offline: 'Offline — changes are kept on this computer',
  syncing: 'Syncing…',
  upToDate: 'Up to date',
  lastSynced: (time: string) => `Up to date (last sync ${time})`,
  neverSynced: 'Not synced yet',
  pending: (n: number) => (n === 1 ? '1 change waiting to sync' : `${n} changes waiting to sync`),
  attention: (n: number) => (n === 1 ? '1 change needs attention' : `${n} changes need attention`),
  syncError: 'Sync problem — will retry',
  unread: (n: number) => (n === 1 ? '1 unread notification' : `${n} unread notifications`),
  noUnread: 'No unread notifications',
};

const PT: typeof EN = {
  open: 'Abrir o Classdesk',
  syncNow: 'Sincronizar agora',
  quit: 'Sair do Classdesk',
  signedOut: 'Sessão não iniciada',
  offline: 'Sem ligação — as alterações ficam neste computador',
  syncing: 'A sincronizar…',
  upToDate: 'Sincronizado',
  lastSynced: (time: string) => `Sincronizado (última vez às ${time})`,
  neverSynced: 'Ainda não sincronizado',
  pending: (n: number) => (n === 1 ? '1 alteração por enviar' : `${n} alterações por enviar`),
  attention: (n: number) =>
    n === 1 ? '1 alteração precisa de atenção' : `${n} alterações precisam de atenção`,
  syncError: 'Problema na sincronização — nova tentativa em breve',
  unread: (n: number) => (n === 1 ? '1 notificação por ler' : `${n} notificações por ler`),
  noUnread: 'Sem notificações por ler',
};

export type Strings = typeof EN;

/** The language setting resolved against the OS locale ('system'). */
export function resolveLang(setting: Settings['language'], osLocale: string): Lang {
  if (setting !== 'system') return setting;
  return osLocale.toLowerCase().startsWith('pt') ? 'pt-PT' : 'en';
}

export function strings(lang: Lang): Strings {
  return lang === 'pt-PT' ? PT : EN;
}
