/**
 * `npm run seed -- --schools N --teachers N --students N --sessions N --resources N --notifications N`
 * fills a server database with synthetic data (server/domain/synthetic.ts explains how the
 * counts are spread). The database is DATA_DIR's SQLite file (`--data-dir` overrides DATA_DIR)
 * or DATABASE_URL. Prints a JSON summary. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateServer } from './db/migrate.js';
import {
  BIG_VIEW,
  generateSynthetic,
  syntheticEmail,
  SyntheticOptionsError,
  validateSyntheticOptions,
  WIDE_ROSTER,
  type SyntheticCounts,
  type SyntheticOptions,
} from './domain/synthetic.js';

const USAGE = `usage: npm run seed -- [--preset big-view|wide-roster] [--schools N] [--teachers N] [--students N]
       [--sessions N] [--resources N] [--notifications N] [--enrolments-per-session N]
       [--days N] [--seed N] [--email-domain D] [--no-change-log] [--data-dir DIR]
  Counts are for the whole dataset (0 unless a preset sets them); flags override the preset.
  The database is DATA_DIR/classdesk.sqlite (--data-dir overrides DATA_DIR) or DATABASE_URL.
  Presets: big-view       one teacher whose view of one school is ~30 000 rows
           wide-roster    1 000 students per teacher
  Every account (teacher<N>@synthetic.test, student<N>@…, admin<N>@…) has the password classdesk-demo.`;

const PRESETS: Record<string, SyntheticCounts> = { 'big-view': BIG_VIEW, 'wide-roster': WIDE_ROSTER };

/** Flag name → option name, for the integer flags. */
const INTEGER_FLAGS = {
  schools: 'schools',
  teachers: 'teachers',
  students: 'students',
  sessions: 'sessions',
  resources: 'resources',
  notifications: 'notifications',
  'enrolments-per-session': 'enrolmentsPerSession',
  days: 'days',
  seed: 'seed',
} as const;

class UsageError extends Error {}

function parseSeedArgs(argv: string[]): { options: SyntheticOptions; dataDir?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(INTEGER_FLAGS).map((k) => [k, { type: 'string' as const }])),
        preset: { type: 'string' },
        'email-domain': { type: 'string' },
        'no-change-log': { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) throw new UsageError('');
  let base: SyntheticCounts = {
    schools: 0,
    teachers: 0,
    students: 0,
    sessions: 0,
    resources: 0,
    notifications: 0,
  };
  if (typeof v.preset === 'string') {
    const preset = PRESETS[v.preset];
    if (!preset)
      throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')} (got ${v.preset})`);
    base = { ...preset };
  }
  const options: SyntheticOptions = { ...base };
  for (const [flag, key] of Object.entries(INTEGER_FLAGS)) {
    const raw = v[flag];
    if (typeof raw !== 'string') continue;
    if (!/^\d+$/.test(raw))
      throw new UsageError(`--${flag} must be a non-negative integer (got ${JSON.stringify(raw)})`);
    options[key] = Number(raw);
  }
  if (typeof v['email-domain'] === 'string') options.emailDomain = v['email-domain'];
  if (v['no-change-log']) options.logChanges = false;
  if (
    options.schools +
      options.teachers +
      options.students +
      options.sessions +
      options.resources +
      options.notifications ===
    0
  ) {
    throw new UsageError('nothing to generate: give --preset or at least one count');
  }
  try {
    validateSyntheticOptions(options);
  } catch (e) {
    if (e instanceof SyntheticOptionsError) throw new UsageError(e.message);
    throw e;
  }
  return { options, ...(typeof v['data-dir'] === 'string' ? { dataDir: v['data-dir'] } : {}) };
}

async function main(): Promise<number> {
  let args;
  let config;
  try {
    args = parseSeedArgs(process.argv.slice(2));
    config = loadConfig({ ...process.env, ...(args.dataDir ? { DATA_DIR: args.dataDir } : {}) });
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      if (e.message) console.error(`seed: ${e.message}\n`);
      console.error(USAGE);
      return e instanceof UsageError && !e.message ? 0 : 2;
    }
    throw e;
  }
  const database = openDatabase({ url: config.databaseUrl, poolSize: 1 });
  try {
    await migrateServer(database.db);
    const firstEmails = (['admin', 'teacher', 'student'] as const).map((role) =>
      syntheticEmail(role, 1, args.options.emailDomain),
    );
    const clash = await database.db
      .selectFrom('users')
      .select('email')
      .where('email', 'in', firstEmails)
      .executeTakeFirst();
    if (clash) {
      console.error(
        `seed: ${clash.email} exists already in this database: pass --email-domain to add another dataset`,
      );
      return 2;
    }
    const t0 = performance.now();
    const summary = await generateSynthetic(database.db, args.options);
    const ms = Math.round(performance.now() - t0);
    // The PostgreSQL URL may hold a password: name only the SQLite file.
    const where = database.dialect === 'sqlite' ? { file: config.databaseUrl } : {};
    console.log(JSON.stringify({ dialect: database.dialect, ...where, ms, ...summary }, null, 2));
    return 0;
  } finally {
    await database.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('seed failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
