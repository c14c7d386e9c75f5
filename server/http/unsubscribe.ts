/**
 * One-click unsubscribe (RFC 8058) for the links in notification emails: `POST
 * /unsubscribe/:token` (the mail client's one-click, body `List-Unsubscribe=One-Click`) turns
 * those emails off without signing in; `GET` — a person following the link, or a scanner
 * fetching it — changes nothing and shows a page whose button makes that POST. Outside `/api/`:
 * a page for people and mail clients, not part of the API document.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { tokenLanguage, unsubscribe } from '../domain/notification-preferences.js';
import { NOTIFICATION_TYPE_NAMES } from '../../src/shared/notification-text.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const WORDS = {
  en: {
    title: 'Classdesk emails',
    ask: 'Stop receiving these emails from Classdesk?',
    button: 'Unsubscribe',
    done: (types: string) =>
      `Done: no more emails for ${types}. You can turn them on again in Classdesk's Settings.`,
    unknown: 'This link is not valid (or was copied incompletely).',
  },
  'pt-PT': {
    title: 'Emails do Classdesk',
    ask: 'Deixar de receber estes emails do Classdesk?',
    button: 'Cancelar subscrição',
    done: (types: string) =>
      `Feito: deixa de receber emails de ${types}. Pode voltar a ativá-los nas Definições do Classdesk.`,
    unknown: 'Esta ligação não é válida (ou foi copiada incompleta).',
  },
} as const;

const page = (lang: 'en' | 'pt-PT', body: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${WORDS[lang].title}</title></head><body style="font-family:sans-serif;max-width:40em;margin:2em auto">` +
  `<h1>${WORDS[lang].title}</h1>${body}</body></html>`;

export function registerUnsubscribe(app: FastifyInstance, db: Kysely<DB>, now: () => Date): void {
  void app.register(async (sub) => {
    // RFC 8058's one-click POST is a form body; only here.
    sub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    sub.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
      const lang = TOKEN.test(req.params.token) ? await tokenLanguage(db, req.params.token) : null;
      const l = lang ?? 'en';
      reply.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      );
      reply.header('cache-control', 'no-store');
      if (!lang)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(page(l, `<p>${WORDS[l].unknown}</p>`));
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            l,
            `<p>${WORDS[l].ask}</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
              `<button type="submit">${WORDS[l].button}</button></form>`,
          ),
        );
    });
    sub.post<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
      const r = TOKEN.test(req.params.token)
        ? await unsubscribe(db, req.params.token, now().toISOString())
        : null;
      reply.header('cache-control', 'no-store');
      if (!r)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(page('en', `<p>${WORDS.en.unknown}</p>`));
      const names = r.types.map((t) => NOTIFICATION_TYPE_NAMES[r.language][t]).join(', ');
      return reply
        .type('text/html; charset=utf-8')
        .send(page(r.language, `<p>${WORDS[r.language].done(names)}</p>`));
    });
  });
}
