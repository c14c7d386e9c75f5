// @ts-check
/**
 * The layer rule (docs/ARCHITECTURE.md, "Layers"): an allow-list per folder of which of our
 * folders, and which packages, a file may import. A new import across layers fails lint until
 * someone decides it is right and adds it to the table below.
 *
 * A file belongs to the layer whose `files` entry is the longest prefix of its path; paths are
 * relative to the repository, compared segment by segment and without their extension (so
 * `src/main/core/device` names the file device.ts). Tests (`*.test.ts`) may also import the test
 * packages; folders not in the table (tests/, scripts/, root configs) are not checked.
 */
import path from 'node:path';

const ROOT = path.dirname(path.dirname(new URL(import.meta.url).pathname));

/** The core's public face: what the shell, the harness and the CLI may use of it. */
const CORE_FACE = [
  'src/main/core/device',
  'src/main/core/ports',
  'src/main/core/app',
  'src/main/core/logger',
];
const TEST_PACKAGES = ['vitest', 'fast-check', '@testing-library/*', 'happy-dom'];
/** Packages that need Electron's main process or a React page: the shell's and the renderer's. */
const APP_PLATFORM = ['electron', 'electron/*', 'electron-*', 'react', 'react/*', 'react-dom', 'react-dom/*'];

/**
 * @typedef {{ name: string; files: string[]; ours: string[]; packages: string[] | '*'; except?: string[] }} Layer
 * `ours`: folders or files of this repository the layer may import; `packages`: npm packages and
 * Node built-ins it may import (`*` for any package but those in `except`). A pattern ending in
 * `/*` names a package's subpaths, one ending in `-*` a family of packages (`electron-*`).
 */
/** @type {Layer[]} */
export const LAYERS = [
  {
    name: 'shared',
    files: ['src/shared'],
    ours: ['src/shared'],
    packages: ['zod', 'better-sqlite3', 'kysely'],
  },
  {
    name: 'core',
    files: ['src/main/core'],
    ours: ['src/shared', 'src/main/core', 'migrations/client', 'migrations/run'],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'shell',
    files: ['src/main/shell', 'src/main/index'],
    ours: ['src/shared', 'src/main/shell', ...CORE_FACE],
    packages: '*',
  },
  { name: 'preload', files: ['src/preload'], ours: ['src/shared'], packages: ['electron'] },
  {
    name: 'renderer',
    files: ['src/renderer'],
    ours: ['src/shared', 'src/renderer'],
    packages: [
      'react',
      'react-dom',
      'react-dom/*',
      'zustand',
      '@tanstack/react-virtual',
      'marked',
      'dompurify',
    ],
  },
  {
    // The admin console (a web page the server serves at /admin/): the app's styles and i18n helpers.
    name: 'console',
    files: ['src/console'],
    ours: [
      'src/shared',
      'src/console',
      'src/renderer/src/styles.css',
      'src/renderer/src/i18n/i18n',
      'src/renderer/src/i18n/messages.types',
    ],
    packages: ['react', 'react-dom', 'react-dom/*'],
  },
  {
    name: 'harness',
    files: ['src/harness'],
    ours: ['src/shared', 'src/harness', ...CORE_FACE],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'harness page',
    files: ['src/harness/browser', 'src/harness/wire'],
    ours: ['src/shared', 'src/harness/browser', 'src/harness/wire'],
    packages: [],
  },
  {
    name: 'cli',
    files: ['src/cli'],
    ours: ['src/shared', 'src/cli', ...CORE_FACE],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'server',
    files: ['server'],
    ours: ['src/shared', 'server', 'migrations/server', 'migrations/run'],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'server db',
    files: ['server/db'],
    ours: ['src/shared', 'server/db', 'migrations/server', 'migrations/run'],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'server storage',
    files: ['server/storage'],
    ours: ['src/shared', 'server/storage'],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'server domain',
    files: ['server/domain'],
    ours: ['src/shared', 'server/domain', 'server/db', 'server/storage'],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    // Real time implements the domain's events; it reads no view itself.
    name: 'server realtime',
    files: ['server/realtime'],
    ours: [
      'src/shared',
      'server/realtime',
      'server/db/schema',
      'server/domain/events',
      'server/domain/auth',
      'server/domain/changes',
    ],
    packages: '*',
    except: APP_PLATFORM,
  },
  {
    name: 'migrations',
    files: ['migrations'],
    ours: ['src/shared', 'migrations'],
    packages: '*',
    except: APP_PLATFORM,
  },
];

const strip = (p) => p.replace(/\.(ts|tsx|js|mjs|cjs)$/, '');
const within = (p, prefix) => p === prefix || p.startsWith(`${prefix}/`);

function layerOf(rel) {
  let best;
  for (const layer of LAYERS)
    for (const f of layer.files)
      if (within(rel, f) && (!best || f.length > best.len)) best = { layer, len: f.length };
  return best?.layer;
}

const packageMatches = (spec, patterns) =>
  patterns.some((a) =>
    a.endsWith('/*')
      ? spec.startsWith(a.slice(0, -1)) || spec === a.slice(0, -2)
      : a.endsWith('-*')
        ? spec.startsWith(a.slice(0, -1))
        : spec === a,
  );

function packageAllowed(spec, allowed, except = []) {
  if (packageMatches(spec, except)) return false;
  return allowed === '*' || packageMatches(spec, allowed);
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports across layers follow the allow-list of eslint-rules/layers.js' },
    schema: [],
  },
  create(context) {
    const file = strip(path.relative(ROOT, context.filename).split(path.sep).join('/'));
    const layer = layerOf(file);
    if (!layer) return {};
    // Tests beside the code may reach anything of ours (fixtures, servers): they are not shipped.
    const isTest = /\.(test|int\.test)$/.test(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        if (isTest) return;
        const target = strip(
          path
            .relative(ROOT, path.resolve(path.dirname(context.filename), spec))
            .split(path.sep)
            .join('/'),
        );
        if (layer.ours.some((o) => within(target, o))) return;
        context.report({
          node,
          message: `layer "${layer.name}" (${file}) may not import ${target}: allowed are ${layer.ours.join(', ')}. If this import is right, add it to the "${layer.name}" layer in eslint-rules/layers.js and to the table in docs/ARCHITECTURE.md.`,
        });
        return;
      }
      if (isTest && packageAllowed(spec, TEST_PACKAGES)) return;
      if (packageAllowed(spec, layer.packages, layer.except)) return;
      const allowed =
        layer.packages === '*'
          ? `any but ${(layer.except ?? []).join(', ')}`
          : layer.packages.join(', ') || 'none';
      context.report({
        node,
        message: `layer "${layer.name}" (${file}) may not import the package "${spec}": allowed are ${allowed}. If it is right, add it to the "${layer.name}" layer in eslint-rules/layers.js.`,
      });
    };
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
    };
  },
};

export default { rules: { 'allowed-imports': allowedImports } };
