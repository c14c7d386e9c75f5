/**
 * The desktop app's update feed: `GET /updates/:file` serves electron-updater's generic-provider
 * files (latest*.yml, installers, blockmaps) from UPDATES_DIR. No authentication — these are the
 * published installers — and nothing but a plain file name directly inside that directory: no
 * sub-paths, no dot-files, no traversal, no symlink leading out of it. Anything else is a 404.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Extensions electron-builder publishes for the generic provider. */
const EXTENSIONS = [
  '.yml',
  '.yaml',
  '.appimage',
  '.exe',
  '.dmg',
  '.zip',
  '.blockmap',
  '.deb',
  '.rpm',
  '.msi',
];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+ -]{0,254}$/;

/** Whether `name` may be served: one plain file name with a published extension. */
export function isUpdateFileName(name: string): boolean {
  if (!NAME.test(name) || name.includes('..')) return false;
  const lower = name.toLowerCase();
  return EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

function contentType(name: string): string {
  return /\.ya?ml$/i.test(name) ? 'text/yaml; charset=utf-8' : 'application/octet-stream';
}

const notFound = (reply: FastifyReply) =>
  reply.code(404).send({ error: { code: 'not_found', message: 'no such update file' } });

export function registerUpdateFeed(app: FastifyInstance, dir: string): void {
  const root = path.resolve(dir);
  app.get<{ Params: { file: string } }>('/updates/:file', async (req, reply) => {
    const name = req.params.file;
    if (!isUpdateFileName(name)) return notFound(reply);
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([fsp.realpath(path.join(root, name)), fsp.realpath(root)]);
    } catch {
      return notFound(reply);
    }
    if (path.dirname(real) !== realRoot) return notFound(reply);
    const stat = await fsp.stat(real).catch(() => null);
    if (!stat?.isFile()) return notFound(reply);
    return (
      reply
        .header('content-type', contentType(name))
        .header('content-length', stat.size)
        .header('last-modified', stat.mtime.toUTCString())
        .header('x-content-type-options', 'nosniff')
        // The channel file says which version is current: always revalidate it.
        .header('cache-control', /\.ya?ml$/i.test(name) ? 'no-cache' : 'public, max-age=3600')
        .send(fs.createReadStream(real))
    );
  });
}
