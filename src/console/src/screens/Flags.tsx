/**
 * The school's feature flags (docs/ARCHITECTURE.md, "Feature flags"): each on or off for every
 * teacher, or on for a stable percentage of them. Each change is in the audit log.
 */
import { useCallback, useEffect, useState } from 'react';
import type { FeatureFlagItem } from '../../../shared/admin-api.js';
import { api, school } from '../api.js';
import { useT, type ConsoleKey } from '../i18n.js';
import { ErrorLine } from '../list.js';

type Flag = FeatureFlagItem;

export function FlagsScreen({ schoolId }: { schoolId: number }) {
  const { t } = useT();
  const [flags, setFlags] = useState<Flag[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const reload = useCallback(async () => {
    try {
      setFlags((await api<{ flags: Flag[] }>('GET', school(schoolId)('/feature-flags'))).flags);
      setError(null);
    } catch (e) {
      setError(e as Error);
    }
  }, [schoolId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const put = async (key: string, body: { enabled: boolean } | { percentage: number }) => {
    try {
      await api('PUT', school(schoolId)(`/feature-flags/${key}`), { body });
      await reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('flags.title')}</h1>
      </div>
      <p className="muted">{t('flags.intro')}</p>
      <ErrorLine error={error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('flags.feature')}</th>
              <th scope="col">{t('flags.state')}</th>
              <th scope="col">{t('flags.percentage')}</th>
            </tr>
          </thead>
          <tbody>
            {flags.map((f) => {
              const name = t(`flags.${f.key}` as ConsoleKey);
              const mode = f.percentage !== null ? 'some' : f.enabled ? 'on' : 'off';
              return (
                <tr key={f.key}>
                  <th scope="row">{name}</th>
                  <td>
                    <select
                      aria-label={t('flags.stateOf', { name })}
                      value={mode}
                      onChange={(e) => {
                        const v = e.target.value;
                        void put(f.key, v === 'some' ? { percentage: 50 } : { enabled: v === 'on' });
                      }}
                    >
                      <option value="on">{t('flags.on')}</option>
                      <option value="off">{t('flags.off')}</option>
                      <option value="some">{t('flags.some')}</option>
                    </select>
                  </td>
                  <td>
                    {f.percentage !== null && (
                      <input
                        type="number"
                        min={0}
                        max={100}
                        step={1}
                        aria-label={t('flags.percentageOf', { name })}
                        defaultValue={f.percentage}
                        onBlur={(e) => {
                          const n = Number(e.target.value);
                          if (Number.isInteger(n) && n >= 0 && n <= 100 && n !== f.percentage)
                            void put(f.key, { percentage: n });
                        }}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
