/**
 * How large each model's table is, in ONE call per run for all models (ir.model's computed `count`: Odoo's
 * `SELECT COUNT(*)` of the model's table, archived records and every company included), so that planning
 * asks no per-source question (search_count, the newest write_date, the lowest and highest id): a source is
 * read as a plain read would, from the first id, batch after batch, its first answer being the whole table
 * when it is smaller than a batch; one large enough for id ranges has them cut from its size (plan.ts).
 *
 * The count is an upper bound of what a source reads (its domain and the user's record rules only remove),
 * so a source it calls small is small. Asked only by runs that plan a full pass; a user that may not read
 * ir.model (Administration/Access Rights) gets no sizes, and every source is planned with its own calls.
 */
import { entities } from '../../entities/index.ts';
import { OdooAccessError } from '../../odoo/index.ts';
import type { SyncContext } from '../context.ts';

const asked = new WeakMap<SyncContext, { runId: number; sizes: Promise<Map<string, number> | undefined> }>();

/** The model's table size in this run (undefined: unknown). */
export async function modelSize(ctx: SyncContext, runId: number, model: string): Promise<number | undefined> {
  let current = asked.get(ctx);
  if (current?.runId !== runId) {
    const sizes = askSizes(ctx, entities.flatMap((e) => e.sources.map((s) => s.model))).catch((error: unknown) => {
      asked.delete(ctx); // the next planning tries again
      throw error;
    });
    current = { runId, sizes };
    asked.set(ctx, current);
  }
  return (await current.sizes)?.get(model);
}

async function askSizes(ctx: SyncContext, models: string[]): Promise<Map<string, number> | undefined> {
  try {
    const rows = await ctx.odoo.searchRead('ir.model', { domain: [['model', 'in', [...new Set(models)].sort()]], fields: ['model', 'count'] });
    return new Map(rows.map((r) => [String(r.model), Number(r.count)]));
  } catch (error) {
    if (error instanceof OdooAccessError) return undefined;
    throw error;
  }
}

/**
 * A range must be worth this many batches: splitting costs two calls (the lowest and highest id) and, where
 * ids have gaps, a short last batch per range; against at least 2 × 10 batches that is at most a tenth more
 * calls, which parallel readers repay only on a large table (on an Odoo serving one call at a time, never).
 */
export const RANGE_MIN_BATCHES = 10;

/** How many id ranges a full pass of `count` records is split into (below 2: none). */
export function rangePieces(ctx: SyncContext, count: number): number {
  return Math.min(ctx.settings.FULL_SYNC_CONCURRENCY, Math.floor(count / (RANGE_MIN_BATCHES * ctx.settings.BATCH_SIZE)));
}

/** Whether a full pass of `count` records would be split into id ranges (plan.ts idRanges): else planning asks nothing. */
export function worthRanges(ctx: SyncContext, count: number): boolean {
  return rangePieces(ctx, count) >= 2;
}
