/**
 * `odoo-etl tables`: the declared tables (file, model, sync mode, columns) and what migrate did to each, when
 * (etl.declared_change), newest first.
 */
import { sql } from 'slonik';
import { z } from 'zod';
import type { DatabasePool } from '../db/pool.ts';
import type { DeclaredTable } from './schema.ts';

const changeSchema = z.object({
  table: z.string(),
  action: z.string(),
  column: z.string().nullable(),
  detail: z.string().nullable(),
  at: z.string(),
});

export const declaredTablesReportSchema = z.object({
  file: z.string(),
  tables: z.array(z.object({
    table: z.string(),
    model: z.string(),
    sync: z.string(),
    columns: z.array(z.string()),
    history: z.boolean(),
    changes: z.array(changeSchema),
  })),
  /** Logged changes of tables no longer declared (their tables stay). */
  undeclared: z.array(changeSchema),
});
export type DeclaredTablesReport = z.infer<typeof declaredTablesReportSchema>;

export async function getDeclaredTables(pool: DatabasePool, file: string, tables: DeclaredTable[]): Promise<DeclaredTablesReport> {
  const changes = await pool.any(sql.type(changeSchema)`
    select table_name as table, action, column_name as column, detail, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
      from etl.declared_change order by id desc`);
  const names = new Set(tables.map((t) => t.name));
  return {
    file,
    tables: tables.map((t) => ({
      table: t.name, model: t.model, sync: t.sync, columns: Object.keys(t.columns), history: t.history,
      changes: changes.filter((c) => c.table === t.name),
    })),
    undeclared: changes.filter((c) => !names.has(c.table)),
  };
}

export function renderDeclaredTables(report: DeclaredTablesReport): string[] {
  if (report.tables.length === 0 && report.undeclared.length === 0) return [`no tables declared (${report.file} not found or empty)`];
  const lines: string[] = [];
  const change = (c: DeclaredTablesReport['tables'][number]['changes'][number]) =>
    `    ${c.at}  ${c.action.replaceAll('_', ' ')}${c.column ? ` ${c.column}` : ''}${c.detail ? ` (${c.detail})` : ''}`;
  for (const t of report.tables) {
    lines.push(`${t.table} ← ${t.model}, ${t.sync}${t.history ? ', history' : ''}: ${t.columns.join(', ')}`);
    if (t.changes.length === 0) lines.push('    not migrated yet: run odoo-etl migrate');
    lines.push(...t.changes.map(change));
  }
  if (report.undeclared.length > 0) {
    lines.push(`no longer declared (tables kept): ${[...new Set(report.undeclared.map((c) => c.table))].join(', ')}`);
  }
  return lines;
}
