/**
 * Delete reconciliation: Odoo leaves no tombstone, so for each incremental entity compare Odoo's id
 * set (`search` returns ids only: cheap, read in keyset chunks) with the table's, soft-delete rows whose
 * id is gone and revive rows whose id came back (etl.reconcile_deleted). Snapshot entities reconcile
 * themselves on every sync; derived ones have no ids.
 */
import { sql } from 'slonik';
import { z } from 'zod';
import { getEntity } from '../entities/index.ts';
import type { Domain } from '../odoo/index.ts';
import type { SyncContext } from './context.ts';
import { resolveEntities } from './run.ts';

const ID_CHUNK = 100_000;

export interface ReconcileResult {
  entity: string;
  source: string;
  status: 'done' | 'skipped';
  odooIds: number;
  deleted: number;
  restored: number;
  note?: string;
}

export async function reconcileDeletions(ctx: SyncContext, options: { entities?: string[] } = {}): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  const session = await ctx.session();
  for (const table of resolveEntities(options.entities)) {
    const entity = getEntity(table);
    if (entity.sync !== 'incremental') continue;
    for (const source of entity.sources) {
      const base = { entity: table, source: source.source ?? '' };
      if ((await ctx.fieldsGet(source.model)) === null) {
        results.push({ ...base, status: 'skipped', odooIds: 0, deleted: 0, restored: 0, note: `Odoo has no model ${source.model}` });
        continue;
      }
      // Rows loaded after this moment are not judged by an id set read before them.
      const startedAt = await ctx.pool.oneFirst(sql.type(z.object({ now: z.string() }))`select now() as now`);
      const ids: number[] = [];
      for (let last = 0; ; ) {
        const chunk = await ctx.odoo.search(source.model, [...((source.domain ?? []) as Domain), ['id', '>', last]], {
          order: 'id asc',
          limit: ID_CHUNK,
          context: session.context,
        });
        ids.push(...chunk);
        if (chunk.length < ID_CHUNK) break;
        last = chunk[chunk.length - 1]!;
      }
      const counts = await ctx.pool.one(sql.type(z.object({ deleted: z.number(), restored: z.number() }))`
        select * from etl.reconcile_deleted(format('public.%I', ${table}::text)::regclass,
                                            ${entity.sourceColumn ? (source.source ?? null) : null},
                                            ${sql.array(ids, 'int4')}, ${startedAt}::timestamptz)`);
      results.push({ ...base, status: 'done', odooIds: ids.length, ...counts });
      ctx.observer?.reconciled({ ...base, ...counts });
      if (counts.deleted > 0 || counts.restored > 0) ctx.logger.info({ ...base, ...counts }, 'reconciled deletions');
    }
  }
  return results;
}
