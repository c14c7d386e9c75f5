#!/usr/bin/env node
// Fetches better-sqlite3's native module built for Electron's ABI into native/electron/, beside
// (not over) the Node build in node_modules, so `npm start` (Electron) and `npm test` (Node) both
// work from one checkout after one `npm install`, in any order, with no rebuild in between.
// The Electron main process loads it through better-sqlite3's `nativeBinding` option.
//
// It needs the network (a prebuilt binary from better-sqlite3's releases). Offline it prints a
// clear message and exits 0, so `npm install` and `npm test` still succeed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const skip = (why) => {
  console.log(`[classdesk] Electron build of better-sqlite3 skipped: ${why}`);
  console.log(
    '[classdesk] Tests are unaffected. The desktop app needs it: run `npm run native:electron` with network access.',
  );
  process.exit(0);
};

let electronVersion;
let sqliteDir;
try {
  electronVersion = require('electron/package.json').version;
  sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
} catch (e) {
  skip(`electron or better-sqlite3 is not installed (${e.message})`);
}
const target = path.join(
  root,
  'native',
  'electron',
  `electron-v${electronVersion}-${process.platform}-${process.arch}`,
);
const out = path.join(target, 'better_sqlite3.node');
if (fs.existsSync(out)) {
  console.log(`[classdesk] Electron build of better-sqlite3 present: ${path.relative(root, out)}`);
  process.exit(0);
}
if (process.env.CLASSDESK_SKIP_ELECTRON_NATIVE) skip('CLASSDESK_SKIP_ELECTRON_NATIVE is set');

// prebuild-install writes into the package's build/ directory: work on a copy.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-native-'));
try {
  fs.cpSync(sqliteDir, work, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build${path.sep}`) && !src.endsWith(`${path.sep}build`),
  });
  const prebuild = require.resolve('prebuild-install/bin.js');
  const r = spawnSync(
    process.execPath,
    [
      prebuild,
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      '--arch',
      process.arch,
      '--platform',
      process.platform,
    ],
    { cwd: work, encoding: 'utf8', timeout: 120_000 },
  );
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (r.status !== 0 || !fs.existsSync(built)) {
    skip(
      `no prebuilt binary could be downloaded for Electron ${electronVersion} (${(r.stderr || r.error?.message || 'offline').trim().split('\n').pop()})`,
    );
  }
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(built, out);
  console.log(`[classdesk] Electron build of better-sqlite3 installed: ${path.relative(root, out)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
