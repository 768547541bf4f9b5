/**
 * `odoo-etl check`, database side of the declared tables: each one exists with every declared column (else
 * `migrate` has not run since the declaration changed), and what migrate last did to it (etl.declared_change).
 */
import type pg from 'pg';
import type { CheckResult } from '../ops/check/result.ts';
import type { DeclaredTable } from './schema.ts';

export async function checkDeclaredSchema(client: pg.Client | pg.PoolClient, tables: DeclaredTable[]): Promise<CheckResult> {
  const check = 'declared tables (database)';
  const columns = await client.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = 'public' and table_name = any ($1::text[])`,
    [tables.map((t) => t.name)],
  );
  const logged = await client.query<{ table_name: string; n: number; last: string; kept: string[] }>(
    `select table_name, count(*)::int as n, to_char(max(at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI"Z"') as last,
            coalesce(array_agg(column_name) filter (where action = 'column_kept'), '{}') as kept
       from etl.declared_change where table_name = any ($1::text[]) group by table_name`,
    [tables.map((t) => t.name)],
  ).catch(() => ({ rows: [] as Array<{ table_name: string; n: number; last: string; kept: string[] }> }));
  const have = new Map<string, Set<string>>();
  for (const row of columns.rows) (have.get(row.table_name) ?? have.set(row.table_name, new Set()).get(row.table_name)!).add(row.column_name);
  const missing: string[] = [];
  const notes: string[] = [];
  for (const table of tables) {
    const present = have.get(table.name);
    const absent = Object.keys(table.columns).filter((c) => !present?.has(c));
    if (!present) missing.push(`${table.name} (not created)`);
    else if (absent.length > 0) missing.push(`${table.name}.${absent.join(`, ${table.name}.`)}`);
    const log = logged.rows.find((r) => r.table_name === table.name);
    if (log) notes.push(`${table.name}: ${log.n} change(s), last ${log.last}${log.kept.length > 0 ? `, kept undeclared: ${log.kept.join(', ')}` : ''}`);
  }
  if (missing.length > 0) return { check, status: 'fail', detail: `not in the database: ${missing.join('; ')}`, fix: 'run odoo-etl migrate (it creates declared tables and adds new columns)' };
  return { check, status: 'ok', detail: notes.join('; ') || `${tables.length} table(s) in place` };
}
