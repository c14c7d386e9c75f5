/**
 * Classdesk diagnostic CLI: `npm run cli -- <command>` (see `--help` and docs/CLI.md).
 * Plain Node on top of src/main/core — no Electron. The core is imported only once the
 * arguments are known to be good, so `--help` and usage errors answer quickly.
 */
import type { Logger } from '../main/core/ports.js';
import { HELP, parseCommandLine, usageLine, type ParsedArgs } from './args.js';
import type { Context } from './commands.js';
import { EXIT, UsageError, type ExitCode } from './exit-codes.js';
import { resolveDataDir } from './profile.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

const debugLogger = (io: Io): Logger => {
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    io.stderr(`[${level}] ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
};

export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const debug = io.env.CLASSDESK_DEBUG === '1';
  let args: ParsedArgs;
  try {
    args = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`classdesk: ${e.message}\n${usageLine()}\n`);
    return EXIT.USAGE;
  }
  if (args.help || args.command === 'help') {
    io.stdout(HELP);
    return EXIT.OK;
  }
  const { editNotes, exportQuarantine, login, status, sync, verify } = await import('./commands.js');
  const { describeError } = await import('./errors.js');
  const ctx: Context = {
    dataDir: resolveDataDir(args.dataDir, io.env),
    env: io.env,
    logger: debug ? debugLogger(io) : { debug() {}, info() {}, warn() {}, error() {} },
    json: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
    note: (line) => io.stderr(`${line}\n`),
  };
  try {
    switch (args.command) {
      case 'login':
        return await login(ctx, { server: args.server, email: args.email });
      case 'sync':
        return await sync(ctx);
      case 'status':
        return await status(ctx);
      case 'verify':
        return await verify(ctx);
      case 'edit-notes':
        return await editNotes(ctx, args.positionals[0]!, args.positionals[1]!);
      case 'export-quarantine':
        return await exportQuarantine(ctx, args.positionals[0]!);
    }
  } catch (e) {
    const { code, message } = describeError(e);
    io.stderr(`classdesk: ${message}\n`);
    if (code === EXIT.USAGE) io.stderr(`${usageLine()}\n`);
    if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return code;
  }
}

const write = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
  new Promise((resolve) => stream.write(text, () => resolve()));

async function main(): Promise<void> {
  const pending: Array<Promise<void>> = [];
  const io: Io = {
    stdout: (t) => void pending.push(write(process.stdout, t)),
    stderr: (t) => void pending.push(write(process.stderr, t)),
    env: process.env,
  };
  let code: ExitCode;
  try {
    code = await run(process.argv.slice(2), io);
  } catch (e) {
    io.stderr(`classdesk: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CLASSDESK_DEBUG === '1' && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    code = EXIT.UNEXPECTED;
  }
  // Flush stdout/stderr (pipes are asynchronous) before exiting: nothing else may keep the process up.
  await Promise.all(pending);
  process.exit(code);
}

await main();
