/**
 * `odoo-etl missing`: the missing references (a row pointed at a parent that was not in the warehouse
 * yet) grouped by table, column and referenced model, with counts, a few examples, and the reasons of
 * those that cannot heal. Each reference got an inferred parent row so the foreign key holds; the
 * heal step at the end of every run fetches the parents by id.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { formatTable, formatTime } from './format.ts';

export const EXAMPLES_PER_GROUP = 5;

const examplesSchema = z.array(z.object({ record: z.record(z.unknown()), referenced: z.record(z.unknown()), reason: z.string().nullable() }));
const reasonsSchema = z.array(z.object({ reason: z.string(), count: z.number() }));

export const missingGroupSchema = z.object({
  table: z.string(),
  column: z.string(),
  referencedTable: z.string(),
  referencedModel: z.string().nullable(),
  open: z.number(),
  resolved: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Some open references (newest first): the referencing row's key and the referenced key. */
  examples: examplesSchema,
  /** Why open references cannot heal (e.g. the id is not in Odoo), with how many have that reason. */
  reasons: reasonsSchema,
});

export const missingReportSchema = z.object({
  openOnly: z.boolean(),
  open: z.number(),
  resolved: z.number(),
  groups: z.array(missingGroupSchema),
});

export type MissingReport = z.infer<typeof missingReportSchema>;

export async function getMissing(pool: DatabasePool, options: { openOnly?: boolean } = {}): Promise<MissingReport> {
  const openOnly = options.openOnly ?? false;
  const groups = await pool.any(sql.type(
    z.object({
      table_name: z.string(),
      column_name: z.string(),
      referenced_table: z.string(),
      referenced_model: z.string().nullable(),
      open: z.number(),
      resolved: z.number(),
      first_seen: z.string(),
      last_seen: z.string(),
      examples: examplesSchema,
      reasons: reasonsSchema,
    }),
  )`
    select m.table_name, m.column_name, m.referenced_table, m.referenced_model,
           count(*) filter (where m.resolved_at is null) as open,
           count(*) filter (where m.resolved_at is not null) as resolved,
           min(m.first_seen) as first_seen, max(m.last_seen) as last_seen,
           coalesce((select jsonb_agg(jsonb_build_object('record', x.record_key, 'referenced', x.referenced_key, 'reason', x.reason))
                       from (select e.record_key, e.referenced_key, e.reason from public.missing_data e
                              where e.table_name = m.table_name and e.column_name = m.column_name
                                and e.referenced_table = m.referenced_table
                                and e.referenced_model is not distinct from m.referenced_model
                                and (e.resolved_at is null or not ${openOnly})
                              order by e.resolved_at nulls first, e.last_seen desc, e.id desc
                              limit ${EXAMPLES_PER_GROUP}) x), '[]'::jsonb) as examples,
           coalesce((select jsonb_agg(jsonb_build_object('reason', r.reason, 'count', r.n) order by r.n desc)
                       from (select e.reason, count(*) as n from public.missing_data e
                              where e.table_name = m.table_name and e.column_name = m.column_name
                                and e.referenced_table = m.referenced_table
                                and e.referenced_model is not distinct from m.referenced_model
                                and e.resolved_at is null and e.reason is not null
                              group by e.reason) r), '[]'::jsonb) as reasons
      from public.missing_data m
     where (not ${openOnly} or m.resolved_at is null)
     group by m.table_name, m.column_name, m.referenced_table, m.referenced_model
     order by count(*) filter (where m.resolved_at is null) desc, m.table_name, m.column_name`);
  return {
    openOnly,
    open: groups.reduce((sum, g) => sum + g.open, 0),
    resolved: groups.reduce((sum, g) => sum + g.resolved, 0),
    groups: groups.map((g) => ({
      table: g.table_name,
      column: g.column_name,
      referencedTable: g.referenced_table,
      referencedModel: g.referenced_model,
      open: g.open,
      resolved: g.resolved,
      firstSeen: g.first_seen,
      lastSeen: g.last_seen,
      examples: g.examples,
      reasons: g.reasons,
    })),
  };
}

export function renderMissing(report: MissingReport): string[] {
  if (report.groups.length === 0) {
    return [report.openOnly ? 'No open missing references: every foreign key points at a loaded row.' : 'No missing references recorded.'];
  }
  const out = [
    `${report.open} open missing reference(s)${report.openOnly ? '' : `, ${report.resolved} healed`}. Each one has an inferred parent row ` +
      '(inferred = true) so its foreign key holds; the heal step at the end of every run fetches the parents from Odoo.',
    '',
  ];
  out.push(
    ...formatTable(
      ['table.column', 'references', 'model', 'open', 'healed', 'last seen'],
      report.groups.map((g) => [`${g.table}.${g.column}`, g.referencedTable, g.referencedModel ?? '-', String(g.open), String(g.resolved), formatTime(g.lastSeen)]),
    ),
  );
  for (const g of report.groups) {
    if (g.examples.length === 0) continue;
    out.push('', `${g.table}.${g.column} → ${g.referencedTable}${g.referencedModel ? ` (${g.referencedModel})` : ''}, e.g.:`);
    for (const e of g.examples) out.push(`  ${keyText(e.record)} → ${keyText(e.referenced)}${e.reason ? `  [${e.reason}]` : ''}`);
    for (const r of g.reasons) out.push(`  cannot heal (${r.count}): ${r.reason}`);
  }
  if (report.open > 0) {
    out.push(
      '',
      'Open references heal by themselves when the parent appears in Odoo. Those that "cannot heal" point at ids Odoo does not return: ' +
        'deleted records, or records the API user may not read (check its access rights and companies).',
    );
  }
  return out;
}

function keyText(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}
