/**
 * Delete reconciliation: Odoo leaves no tombstone, so for each incremental entity compare Odoo's id
 * set (`search` returns ids only: cheap, read in keyset chunks) with the table's, soft-delete rows whose
 * id is gone and revive rows whose id came back (etl.reconcile_deleted_staged). Snapshot entities
 * reconcile themselves on every sync; derived ones have no ids. An incremental entity with snapshotWhenFull
 * (dim_product_costs) gets its watermark cleared instead: its next run reads the whole snapshot, which
 * repairs the values edited behind write_date and marks vanished keys deleted.
 *
 * Memory stays bounded however many ids a source has: each chunk goes straight into a temporary table
 * on one held connection (no transaction spans the Odoo calls), and the comparison runs in PostgreSQL.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { getEntity } from '../entities/index.ts';
import type { Domain } from '../odoo/index.ts';
import type { SyncContext } from './context.ts';
import { resolveEntities } from './run.ts';

const ID_CHUNK = 100_000;
const STAGE = sql.identifier(['pg_temp', 'odoo_etl_reconcile_ids']);

export interface ReconcileResult {
  entity: string;
  source: string;
  /** deferred: the entity's next run reads its whole snapshot (snapshotWhenFull), which reconciles it. */
  status: 'done' | 'skipped' | 'deferred';
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
    if (entity.snapshotWhenFull) {
      // Its values change behind write_date too: a cleared watermark makes the next run a snapshot pass,
      // which repairs them and marks vanished keys deleted (types.ts).
      await ctx.pool.query(sql.unsafe`update etl.watermark set full_done_at = null where entity = ${table}`);
      for (const source of entity.sources) {
        results.push({ entity: table, source: source.source ?? '', status: 'deferred', odooIds: 0, deleted: 0, restored: 0, note: 'the next run reads the whole snapshot' });
      }
      continue;
    }
    for (const source of entity.sources) {
      const base = { entity: table, source: source.source ?? '' };
      if ((await ctx.fieldsGet(source.model)) === null) {
        results.push({ ...base, status: 'skipped', odooIds: 0, deleted: 0, restored: 0, note: `Odoo has no model ${source.model}` });
        continue;
      }
      // Rows loaded after this moment are not judged by an id set read before them.
      const startedAt = await ctx.pool.oneFirst(sql.type(z.object({ now: z.string() }))`select now() as now`);
      const idChunks = async function* () {
        for (let last = 0; ; ) {
          const chunk = await ctx.odoo.search(source.model, [...((source.domain ?? []) as Domain), ['id', '>', last]], {
            order: 'id asc',
            limit: ID_CHUNK,
            context: session.context,
          });
          if (chunk.length > 0) yield chunk;
          if (chunk.length < ID_CHUNK) return;
          last = chunk[chunk.length - 1]!;
        }
      };
      const { odooIds, ...counts } = await reconcileIdChunks(ctx.pool, {
        table,
        source: entity.sourceColumn ? (source.source ?? null) : null,
        idChunks: idChunks(),
        syncedBefore: startedAt,
      });
      results.push({ ...base, status: 'done', odooIds, ...counts });
      ctx.observer?.reconciled({ ...base, ...counts });
      if (counts.deleted > 0 || counts.restored > 0) ctx.logger.info({ ...base, ...counts }, 'reconciled deletions');
    }
  }
  return results;
}

export interface ReconcileIdChunksOptions {
  table: string;
  /** The source column's value for multi-source tables, null otherwise. */
  source: string | null;
  /** Odoo's id set, chunk by chunk (any order, duplicates allowed). */
  idChunks: AsyncIterable<number[]>;
  /** Rows synced at or after this moment are not soft-deleted (they were loaded after the ids were read). */
  syncedBefore: string;
}

/** Stages the id chunks in a temporary table, then marks the table's rows against them. */
export async function reconcileIdChunks(
  pool: DatabasePool,
  options: ReconcileIdChunksOptions,
): Promise<{ odooIds: number; deleted: number; restored: number }> {
  return pool.connect(async (connection) => {
    await connection.query(sql.unsafe`drop table if exists ${STAGE}`);
    await connection.query(sql.unsafe`create temporary table ${STAGE} (id integer primary key)`);
    try {
      for await (const chunk of options.idChunks) {
        await connection.query(sql.unsafe`insert into ${STAGE} (id) select unnest(${sql.array(chunk, 'int4')}) on conflict do nothing`);
      }
      // Fresh statistics: the anti-join over millions of ids then hashes instead of probing row by row.
      await connection.query(sql.unsafe`analyze ${STAGE}`);
      const odooIds = await connection.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${STAGE}`);
      const counts = await connection.one(sql.type(z.object({ deleted: z.number(), restored: z.number() }))`
        select * from etl.reconcile_deleted_staged(format('public.%I', ${options.table}::text)::regclass, ${options.source},
                                                   'pg_temp.odoo_etl_reconcile_ids'::regclass, ${options.syncedBefore}::timestamptz)`);
      return { odooIds, ...counts };
    } finally {
      await connection.query(sql.unsafe`drop table if exists ${STAGE}`);
    }
  });
}
