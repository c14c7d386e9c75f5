/** Command-line parsing (node:util parseArgs) and the help text. */
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

export const COMMANDS = [
  'login',
  'sync',
  'status',
  'verify',
  'edit-notes',
  'export-quarantine',
  'help',
] as const;
export type Command = (typeof COMMANDS)[number];

export const HELP = `Classdesk diagnostic CLI — the desktop app's sync core, from a terminal.

Usage: npm run cli -- [--data-dir DIR] <command> [arguments]

Commands:
  login --server URL --email EMAIL
                          Check the credentials against the sync server, remember the server,
                          email and user id in DIR/cli-profile.json and create this device's
                          local store. Signs out again at the end.
  sync                    One full sync: push pending edits, pull every school. Progress on
                          stderr ("school 3: 1200/4500"), a JSON summary on stdout.
  status                  JSON: server, user, schools (last sync, cursor), pending edits,
                          edits needing attention, quarantine count. Offline, no password.
  verify                  Compare each school's checksum with the server's (JSON).
                          Exit code 3 when any school does not match.
  edit-notes SESSION_ID TEXT
                          Change a session's lesson notes offline: applied to the local store
                          and queued for the next sync (not pushed). No password.
                          A TEXT starting with "-" goes after "--".
  export-quarantine FILE  Write the quarantined edits (pending edits of schools this account
                          lost access to) as JSON to FILE ("-" for stdout). Offline.
  help                    This text.

Options:
  --data-dir DIR          Where the profile and the local store live. Default: $CLASSDESK_DATA_DIR,
                          else ~/.local/share/classdesk-cli (Linux), %APPDATA%\\classdesk-cli
                          (Windows), ~/Library/Application Support/classdesk-cli (macOS).
  -h, --help              This text.

Sign-in and the token:
  A sign-in token is never written to disk. The CLI keeps it in memory only: "login" signs in,
  records the profile (server URL, email, user id — no token, no password) and signs out.
  "sync" and "verify" sign in again with the profile's email and sign out (revoking the token)
  when done. The password comes from $CLASSDESK_PASSWORD, else from a prompt (no echo) when
  stdin is a terminal. "status", "edit-notes" and "export-quarantine" use the local store only.

Environment:
  CLASSDESK_DATA_DIR      Default data directory.
  CLASSDESK_PASSWORD      Password for login, sync and verify (instead of the prompt).
  CLASSDESK_DEBUG=1       Log the sync engine to stderr and print stack traces on errors.

Exit codes:
  0  ok
  1  unexpected error
  2  usage error (bad arguments, or no password available)
  3  verify mismatch (also: sync could not make a school's checksum match)
  4  server unreachable (offline)
  5  sign-in failed (wrong credentials, rate limited)
  6  not logged in on this data dir (no profile: run login)
  7  edit refused (e.g. the session is not on this device)
`;

export interface ParsedArgs {
  command: Command;
  positionals: string[];
  dataDir: string | undefined;
  server: string | undefined;
  email: string | undefined;
  help: boolean;
}

const ARITY: Record<Command, { names: string[] }> = {
  login: { names: [] },
  sync: { names: [] },
  status: { names: [] },
  verify: { names: [] },
  'edit-notes': { names: ['SESSION_ID', 'TEXT'] },
  'export-quarantine': { names: ['FILE'] },
  help: { names: [] },
};

const isCommand = (s: string): s is Command => (COMMANDS as readonly string[]).includes(s);

/** Parses argv (without node and the script). Throws UsageError on anything malformed. */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let values: { 'data-dir'?: string; server?: string; email?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        server: { type: 'string' },
        email: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    // parseArgs' messages name the option at fault; keep the first line only.
    throw new UsageError((e instanceof Error ? e.message : String(e)).split('\n')[0]!);
  }
  const help = values.help === true;
  const [name, ...rest] = positionals;
  if (name === undefined) {
    if (help)
      return {
        command: 'help',
        positionals: [],
        dataDir: undefined,
        server: undefined,
        email: undefined,
        help,
      };
    throw new UsageError('no command given');
  }
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);
  const parsed: ParsedArgs = {
    command: name,
    positionals: rest,
    dataDir: values['data-dir'],
    server: values.server,
    email: values.email,
    help,
  };
  if (help) return parsed;
  if (parsed.dataDir !== undefined && parsed.dataDir.trim() === '')
    throw new UsageError('--data-dir needs a directory');
  if (name !== 'login') {
    if (parsed.server !== undefined) throw new UsageError(`--server is an option of login, not of ${name}`);
    if (parsed.email !== undefined) throw new UsageError(`--email is an option of login, not of ${name}`);
  }
  const { names } = ARITY[name];
  if (rest.length < names.length)
    throw new UsageError(`${name}: missing ${names.slice(rest.length).join(' ')}`);
  if (rest.length > names.length)
    throw new UsageError(`${name}: unexpected argument "${rest[names.length]}"`);
  return parsed;
}

export function usageLine(): string {
  return 'usage: npm run cli -- [--data-dir DIR] <login|sync|status|verify|edit-notes|export-quarantine|help> … (see --help)';
}
