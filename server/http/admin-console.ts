/**
 * The admin console's page (docs/ARCHITECTURE.md, "Admin console"): the built web app under
 * /admin/ (static files, a strict Content-Security-Policy: it talks only to this server's API),
 * and the server's root sends a browser there. Every action of the console goes through the
 * admin API's routes, so it is checked exactly as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Classdesk admin console</title></head>
<body><main><h1>Classdesk admin console</h1>
<p>The console is not built on this server. Build it with <code>npm run build:console</code>
(or set ADMIN_CONSOLE_DIR to a built copy) and reload this page.</p></main></body></html>`;

export async function registerAdminConsole(app: FastifyInstance, dir: string): Promise<void> {
  app.get('/', (_req, reply) => reply.redirect('/admin/', 302));
  const built = fs.existsSync(path.join(dir, 'index.html'));
  const secure = (reply: { header(k: string, v: string): unknown }) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
  };
  if (!built) {
    app.get('/admin', (_req, reply) => {
      secure(reply);
      return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/admin/',
    // The router ignores trailing slashes: /admin/ is /admin, answered below with the page.
    index: false,
    redirect: false,
    // The page is small and changes with each build: always revalidated; hashed assets may be kept.
    setHeaders(res, file) {
      secure(res);
      res.header(
        'Cache-Control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/admin', (_req, reply) => reply.sendFile('index.html'));
}
