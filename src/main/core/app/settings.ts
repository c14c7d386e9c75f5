/** The app's settings, kept as JSON in the data directory (device-wide, no personal data). */
import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_TYPES } from '../../../shared/entities.js';
import { Settings } from '../../../shared/ipc.js';

export const DEFAULT_SETTINGS: Settings = {
  reminderLeadMinutes: 15,
  popupTypes: [...NOTIFICATION_TYPES],
  language: 'system',
  storageQuotaMb: 2048,
};

export class SettingsFile {
  private value: Settings;
  constructor(private readonly file: string) {
    this.value = DEFAULT_SETTINGS;
    try {
      const parsed = Settings.partial().safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (parsed.success) this.value = { ...DEFAULT_SETTINGS, ...parsed.data };
    } catch {
      // First start, or an unreadable file: defaults.
    }
  }

  get(): Settings {
    return { ...this.value };
  }

  set(patch: Partial<Settings>): Settings {
    this.value = Settings.parse({ ...this.value, ...patch });
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.value, null, 2));
    fs.renameSync(tmp, this.file);
    return this.get();
  }
}
