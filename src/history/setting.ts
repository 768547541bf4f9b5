/**
 * HISTORY: which tables keep the versions of their rows (sql/functions/history.sql). The setting is parsed in
 * src/config.ts (`all`, `none` or a list); its names are checked here against the tables of this installation
 * (the registry, with the declared tables once they joined it), so a typo is a configuration error naming it.
 */
import { ConfigError, type Settings } from '../config.ts';
import { entityNames } from '../entities/index.ts';

export type HistorySetting = Settings['HISTORY'];

/** The table names HISTORY stands for, sorted; a name that is not a table of this installation is a ConfigError. */
export function resolveHistoryTables(setting: HistorySetting): string[] {
  const known = entityNames();
  if (setting === 'all') return [...known].sort();
  const unknown = setting.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `HISTORY names ${unknown.length > 1 ? 'unknown tables' : 'an unknown table'} ${unknown.join(', ')}; valid tables: ${[...known].sort().join(', ')} (or all, none)`,
      'HISTORY',
    );
  }
  return [...setting].sort();
}
