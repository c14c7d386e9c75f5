/**
 * The CLI's data directory and its profile file: which server and account this data dir is
 * logged in as. The profile never holds a token or a password.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './exit-codes.js';

export const PROFILE_FILE = 'cli-profile.json';

/** --data-dir, else $CLASSDESK_DATA_DIR, else the OS's per-user data directory. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (flag) return path.resolve(flag);
  if (env.CLASSDESK_DATA_DIR) return path.resolve(env.CLASSDESK_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'classdesk-cli');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'classdesk-cli');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'classdesk-cli');
}

const Profile = z.object({
  server: z.string(),
  email: z.string(),
  user_id: z.number().int().positive(),
  name: z.string().optional(),
  logged_in_at: z.string().optional(),
});
export type Profile = z.infer<typeof Profile>;

export function readProfile(dataDir: string): Profile {
  const file = path.join(dataDir, PROFILE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(EXIT.NOT_LOGGED_IN, `not logged in on ${dataDir}: run login first`);
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = Profile.safeParse(json);
  if (!parsed.success) throw new CliError(EXIT.NOT_LOGGED_IN, `${file} is damaged: run login again`);
  return parsed.data;
}

/** Written atomically (temp file + rename), readable by its owner only. */
export function writeProfile(dataDir: string, profile: Profile): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, PROFILE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
