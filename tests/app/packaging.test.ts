/**
 * Packaging without downloading Electron: electron-builder.yml is valid against electron-builder's
 * own schema and says what the app needs; the icons are current; and `electron-vite build`
 * produces the three bundles in the shape a packaged, sandboxed app can load — the main process
 * importing only what ships in production dependencies, and a preload that is one CommonJS file
 * requiring nothing but electron.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { Configuration } from 'electron-builder';
import { ICON_FILES, iconPng } from '../../scripts/make-icons.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Configuration;

/** electron-builder's own validation (the JSON schema it checks before every build). */
async function validate(c: Configuration): Promise<void> {
  const fromBuilder = createRequire(require.resolve('electron-builder/package.json'));
  const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (c: Configuration, log: unknown) => Promise<void>;
  };
  const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(c, new DebugLogger(false));
}

const targets = (t: unknown): string[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));

describe('electron-builder.yml', () => {
  test('is valid for electron-builder, and a typo is caught', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, linux: { ...config.linux, categroy: 'x' } as never })).rejects.toThrow(
      /configuration/,
    );
  });

  test('names the app and packs only the built bundle', () => {
    expect(config.appId).toBe('pt.classdesk.app');
    expect(config.productName).toBe('Classdesk');
    expect(config.directories?.output).toBe('dist');
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!native/**']));
    expect(pkg.main).toBe('out/main/index.js');
  });

  test('builds AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
    expect(targets(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux?.category).toBe('Education');
    expect(config.linux?.maintainer).toBeTruthy();
    expect(targets(config.win?.target)).toContain('nsis');
    expect(targets(config.mac?.target)).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.mac?.category).toBe('public.app-category.education');
    expect(config.mac?.hardenedRuntime).toBe(true);
  });

  test('publishes to a generic feed given at build time', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.CLASSDESK_UPDATE_URL}' });
  });

  test('locks the shipped Electron down with fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });

  test('has the npm scripts to build and check it', () => {
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder');
    expect(pkg.scripts['dist:check']).toBeTruthy();
    expect(pkg.devDependencies).toHaveProperty('electron');
    expect(pkg.devDependencies).toHaveProperty('electron-builder');
  });
});

describe('the icons', () => {
  test('build/icon.png is a 512×512 PNG', () => {
    const png = fs.readFileSync(path.join(root, String(config.icon)));
    expect(png.toString('ascii', 1, 4)).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  test('every icon file matches the drawing (run `npm run icons` after changing it)', () => {
    for (const { file, size, opts } of ICON_FILES) {
      expect(fs.readFileSync(path.join(root, file)).equals(iconPng(size, opts)), file).toBe(true);
    }
  });
});

describe('electron-vite build', () => {
  let outDir: string;
  let build: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-build-'));
    build = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'build',
        '--outDir',
        outDir,
        '--logLevel',
        'warn',
      ],
      { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NODE_ENV: 'production' } },
    );
  }, 300_000);
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  test('succeeds', () => {
    expect(build.status, `${String(build.stdout)}\n${String(build.stderr)}`).toBe(0);
  });

  test('produces out/main/index.js importing only node builtins, electron and production dependencies', () => {
    const main = fs.readFileSync(path.join(outDir, 'main', 'index.js'), 'utf8');
    const specifiers = [
      ...main.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm),
      ...main.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ...main.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    const packageOf = (s: string) =>
      s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
    const shipped = new Set(Object.keys(pkg.dependencies));
    const wrong = specifiers.filter((s) => {
      if (s.startsWith('node:') || builtinModules.includes(s) || s === 'electron') return false;
      if (s.startsWith('.')) return true; // the bundle must not reach into sibling source files
      return !shipped.has(packageOf(s));
    });
    expect(wrong).toEqual([]);
    expect(main).toContain('../preload/index.cjs');
  });

  test('produces one CommonJS preload that requires only electron (a sandboxed preload can do no more)', () => {
    const dir = path.join(outDir, 'preload');
    expect(fs.readdirSync(dir).filter((f) => !f.endsWith('.map'))).toEqual(['index.cjs']);
    const preload = fs.readFileSync(path.join(dir, 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/\bimport\(/);
  });

  test('produces out/renderer/index.html with its CSP and relative asset paths (loaded from file://)', () => {
    const html = fs.readFileSync(path.join(outDir, 'renderer', 'index.html'), 'utf8');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"/);
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(0);
    for (const s of srcs) {
      expect(s, s).not.toMatch(/^(https?:)?\/\//);
      expect(fs.existsSync(path.join(outDir, 'renderer', s)), s).toBe(true);
    }
  });
});
