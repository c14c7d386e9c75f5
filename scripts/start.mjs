#!/usr/bin/env node
// `npm start`: the sync server (embedded SQLite, demo data: DEMO_DATA=true unless set otherwise)
// and the desktop app connected to it.
// Where the Electron binary is missing (offline installs, CI), the server still starts and this
// script says how to get and run the app.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '4000';
const host = process.env.HOST ?? '127.0.0.1';
const serverUrl = `http://${host}:${port}`;
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

// The admin console the server serves at /admin/ (`npm run build:console`), built once.
if (!fs.existsSync(path.join(root, 'out', 'console', 'index.html'))) {
  console.log('Building the admin console (out/console)…');
  spawnSync(bin('vite'), ['build', '--config', 'console.vite.config.ts'], { cwd: root, stdio: 'inherit' });
}

const server = spawn(bin('tsx'), ['server/main.ts'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, PORT: port, HOST: host, DEMO_DATA: process.env.DEMO_DATA ?? 'true' },
});
let app;
const stopAll = (code) => {
  app?.kill('SIGTERM');
  server.kill('SIGTERM');
  process.exitCode = code;
};
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
server.on('exit', (code) => {
  app?.kill('SIGTERM');
  process.exit(code ?? 0);
});

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`${serverUrl}/readyz`);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function electronBinary() {
  try {
    const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
    const exe = path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
    return fs.existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

if (!(await waitForServer())) {
  console.error(`The sync server did not become ready on ${serverUrl}.`);
  stopAll(1);
} else {
  console.log(
    `\nSync server ready on ${serverUrl} — demo accounts ana@classdesk.test, rui@classdesk.test, admin@classdesk.test (password in README.md).`,
  );
  const exe = electronBinary();
  if (!exe) {
    console.log(
      [
        '',
        'The Electron binary is not installed on this machine (it is skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1',
        'or when the download is not reachable), so only the server is running.',
        'To run the desktop app: on a machine with internet access run `node node_modules/electron/install.js`,',
        'then `npm start` again. The server keeps running until you press Ctrl+C.',
        '',
      ].join('\n'),
    );
  } else {
    const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) {
      console.error('Building the desktop app failed.');
      stopAll(1);
    } else {
      app = spawn(exe, ['.'], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, CLASSDESK_SERVER_URL: serverUrl },
      });
      app.on('exit', () => stopAll(0));
    }
  }
}
