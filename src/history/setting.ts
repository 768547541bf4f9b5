/**
 * HISTORY: which tables keep the versions of their rows (sql/functions/history.sql). The setting is parsed in
 * src/config.ts (`all`, `none` or a list); its names are checked here against the tables of this installation
 * (the registry, with the declared tables once they joined it), so a typo is a configuration error naming it.
 * A declared table with `history: true` (src/declared) is added to the list: the declaration says what its
 * author wants without repeating it in HISTORY. `HISTORY=none` still turns every history off, declared
 * tables' too: it is the one switch that says "no history here".
 */
import { ConfigError, type Settings } from '../config.ts';
import { currentDeclarations } from '../declared/to-spec.ts';
import { entityNames } from '../entities/index.ts';

export type HistorySetting = Settings['HISTORY'];

/**
 * The table names HISTORY stands for, with the declared tables that ask for history (unless HISTORY is
 * `none`), sorted; a name that is not a table of this installation is a ConfigError.
 */
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
  // `none` parses to an empty list (a list is never empty).
  if (setting.length === 0) return [];
  const declared = currentDeclarations().filter((t) => t.history && known.includes(t.name)).map((t) => t.name);
  return [...new Set([...setting, ...declared])].sort();
}
