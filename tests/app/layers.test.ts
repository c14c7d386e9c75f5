/**
 * The layer rule (eslint-rules/layers.js, docs/ARCHITECTURE.md "Layers") run through ESLint's own
 * API with the repository's config: an import across layers that the allow-list does not name
 * fails lint, and one it names passes. The files linted are real files of each layer with one
 * import added, so the rest of the config (type-checked rules) applies as in `npm run lint`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(file: string, importLine: string): Promise<string[]> {
  const text = `${importLine}\n${fs.readFileSync(path.join(ROOT, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

describe('layers', { timeout: 60_000 }, () => {
  test('the CLI may not reach into the Electron shell or the store', async () => {
    const shell = await layerErrors('src/cli/main.ts', "import { AppTray } from '../main/shell/tray.js';");
    expect(shell).toHaveLength(1);
    expect(shell[0]).toMatch(/layer "cli".*may not import src\/main\/shell\/tray/);
    const store = await layerErrors(
      'src/cli/main.ts',
      "import { LocalStore } from '../main/core/store/local-store.js';",
    );
    expect(store).toHaveLength(1);
  });

  test('the harness may not import the shell; real time may not read the pull', async () => {
    expect(
      await layerErrors('src/harness/main.ts', "import { AppTray } from '../main/shell/tray.js';"),
    ).toHaveLength(1);
    const realtime = await layerErrors(
      'server/realtime/socket.ts',
      "import { pull } from '../domain/pull.js';",
    );
    expect(realtime).toHaveLength(1);
    expect(realtime[0]).toMatch(/server realtime/);
  });

  test('shared imports nothing of ours, the renderer no Node module', async () => {
    expect(
      await layerErrors('src/shared/text.ts', "import { DEMO_PASSWORD } from '../../server/domain/demo.js';"),
    ).toHaveLength(1);
    const renderer = await layerErrors('src/renderer/src/api.ts', "import fs from 'node:fs';");
    expect(renderer).toHaveLength(1);
    expect(renderer[0]).toMatch(/may not import the package "node:fs"/);
  });

  test('no Electron or React outside the shell, the preload and the renderer, however it is imported', async () => {
    const cli = await layerErrors('src/cli/main.ts', "import { app } from 'electron';");
    expect(cli).toHaveLength(1);
    expect(cli[0]).toMatch(/layer "cli".*may not import the package "electron"/);
    expect(
      await layerErrors('src/main/core/device.ts', "import { autoUpdater } from 'electron-updater';"),
    ).toHaveLength(1);
    expect(
      await layerErrors('src/harness/main.ts', "export const shell = () => import('electron');"),
    ).toHaveLength(1);
    expect(await layerErrors('server/main.ts', "import log from 'electron-log/main';")).toHaveLength(1);
    expect(await layerErrors('src/main/core/device.ts', "import { useState } from 'react';")).toHaveLength(1);
  });

  test("an import the allow-list names passes: the CLI through the core's public face", async () => {
    expect(await layerErrors('src/cli/main.ts', "import { Device } from '../main/core/device.js';")).toEqual(
      [],
    );
    expect(await layerErrors('server/http/app.ts', "import { pull } from '../domain/pull.js';")).toEqual([]);
  });
});
