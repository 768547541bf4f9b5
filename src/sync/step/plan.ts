/**
 * Planning an entity's step: the entity's first job resolves every source against the server (fields_get,
 * mode, counts, id ranges) and records the plan in etl.run_entity; every later job of the run reuses it.
 *
 * An entity reads in parts that run in parallel, each with its own cursor and job chain: one part per
 * Odoo source (pos.order and sale.order for all_sales), and a large source's full pass is split into
 * FULL_SYNC_CONCURRENCY id ranges.
 */
import { sql } from 'slonik';
import { z } from 'zod';
import { planSource, seriesOf, type SourcePlan } from '../../entities/plan.ts';
import type { Entity } from '../../entities/types.ts';
import type { Domain } from '../../odoo/index.ts';
import { ServerClock } from '../../odoo/server-clock.ts';
import { planWithCompanies } from '../business-timezones.ts';
import type { SyncContext } from '../context.ts';
import { hasStockCheck } from '../stock-check.ts';
import { MODES, sourceMode } from './source-mode.ts';
import { observeSettled, settleStep, startStep, StepClosed } from './life.ts';
import { modelSize, rangePieces, worthRanges } from './source-sizes.ts';
import { watermarkForReadAt } from './watermark.ts';

/** What the first step resolves against the server and every later step of the run reuses. */
const entityPlanSchema = z.object({
  series: z.string(),
  sources: z.array(
    z.object({
      source: z.string(),
      mode: z.enum(MODES),
      plan: z.custom<SourcePlan>(),
      /** Full passes: Odoo's newest write_date before the pass began (high_write_date, for lag). */
      fullHigh: z.string().nullish(),
      /** Full passes: where the next incremental read starts (Odoo's clock at planning − LOOKBACK; see watermark.ts). */
      nextWatermark: z.string().nullish(),
    }),
  ),
  /** Units of reading, each with its own cursor row (`key`) and job chain. */
  parts: z.array(z.object({ key: z.string(), source: z.string(), range: z.tuple([z.number(), z.number()]).optional() })),
});
export type EntityPlan = z.infer<typeof entityPlanSchema>;
export type Part = EntityPlan['parts'][number];

/** The plan a step's row holds (etl.run_entity.plan), if its first job made one. */
export function storedPlan(stored: unknown): EntityPlan | undefined {
  return stored ? entityPlanSchema.parse(stored) : undefined;
}

/**
 * Resolves every source of the entity against the server (fields_get, mode, counts, id ranges), all sources
 * at once, and records the plan; or settles the entity as skipped.
 *
 * `ahead`: planned by plan_ahead while the entity's dependencies still load (its commits wait for them, as
 * its jobs are only queued then): the plan is stored on the waiting step, whose status is left alone, and a
 * source Odoo lacks is left for the step's own job to report. Planning early changes no result: the counts are
 * for progress, the last id range is open-ended, and an earlier watermark only re-reads more next time.
 */
export async function planEntity(ctx: SyncContext, runId: number, entity: Entity, fullSync: boolean, ahead = false): Promise<EntityPlan | 'skipped' | undefined> {
  const session = await ctx.session();
  const series = seriesOf(session.serie);
  const extra = ctx.settings.EXTRA_FIELDS?.[entity.table] ?? [];
  const fields = await Promise.all(entity.sources.map((source) => ctx.fieldsFor(source.model, runId)));
  let calls = fields.filter((f) => f.asked).length;
  const resolved = await Promise.all(
    entity.sources.map((source, i) => planWithCompanies(ctx, session, source, planSource(entity, source, series, fields[i]!.fields, extra), runId)),
  );
  const skipped = resolved.find((r) => r.status === 'skipped');
  if (skipped?.status === 'skipped') {
    if (ahead) return undefined;
    ctx.logger.warn({ runId, entity: entity.table }, `${entity.table} skipped: ${skipped.reason}`);
    const settled = await ctx.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        update etl.run_entity set warnings = array[${skipped.reason}]::text[], mode = ${entity.sync}, calls = calls + ${calls},
               started_at = coalesce(started_at, now())
         where run_id = ${runId} and entity = ${entity.table}`);
      return settleStep(tx, runId, entity.table, 'skipped', skipped.reason);
    });
    observeSettled(ctx, settled);
    return 'skipped';
  }
  // Every source asked at once: on a distant Odoo each question is a round trip, and the run waits for them.
  const planned = await Promise.all(
    entity.sources.map(async (source, i) => {
      const { plan } = resolved[i] as Extract<(typeof resolved)[number], { status: 'ok' }>;
      return { source, plan, ...(await planSourceParts(ctx, runId, entity, source, plan, fullSync, session.context)) };
    }),
  );
  const sources: EntityPlan['sources'] = [];
  const parts: EntityPlan['parts'] = [];
  const warnings: string[] = [];
  let expected = 0;
  for (const p of planned) {
    warnings.push(...p.plan.warnings, ...(p.reason ? [p.reason] : []));
    sources.push(p.planned);
    parts.push(...p.parts);
    expected += p.count;
    calls += p.calls;
  }
  for (const warning of warnings) ctx.logger.warn({ runId, entity: entity.table }, warning);
  const plan: EntityPlan = { series, sources, parts };
  const modes = [...new Set(sources.map((s) => s.mode))].join('+');
  const counted = sources.some((s) => s.mode !== 'incremental') ? expected : null;
  if (ahead) {
    await ctx.pool.query(sql.unsafe`
      update etl.run_entity
         set plan = ${sql.jsonb(plan as never)}, warnings = ${sql.array(warnings, 'text')}, mode = ${modes}, expected = ${counted}, calls = calls + ${calls}
       where run_id = ${runId} and entity = ${entity.table} and status in ('pending', 'queued') and plan is null`);
    return plan;
  }
  const stored = await startStep(ctx.pool, runId, entity.table, sql.fragment`
    plan = ${sql.jsonb(plan as never)}, warnings = ${sql.array(warnings, 'text')}, mode = ${modes}, expected = ${counted}, calls = calls + ${calls}`);
  if (!stored) throw new StepClosed(`run ${runId} ended before ${entity.table} started`);
  return plan;
}

/** A step planned ahead (tasks/plan_ahead.ts) starts running: what planEntity would have recorded. */
export async function startPlannedStep(ctx: SyncContext, runId: number, table: string): Promise<void> {
  if (!(await startStep(ctx.pool, runId, table))) throw new StepClosed(`run ${runId} ended before ${table} started`);
}

/** One source's mode and parts; a full or snapshot pass also its count, and a full pass its newest write_date and id ranges. */
async function planSourceParts(
  ctx: SyncContext, runId: number, entity: Entity, source: Entity['sources'][number], plan: SourcePlan, fullSync: boolean, context: Record<string, unknown>,
): Promise<{ planned: EntityPlan['sources'][number]; parts: Part[]; count: number; calls: number; reason?: string }> {
  const key = source.source ?? '';
  const { mode, reason } = await sourceMode(ctx.pool, entity, source, fullSync, plan.fieldSet);
  if (reason) ctx.logger.info({ runId, entity: entity.table, source: key }, reason);
  const domain = (source.domain ?? []) as Domain;
  // Incremental runs skip the count: one call is their whole budget when nothing changed. So does a stock
  // snapshot that is not a full run (it reads what changed, stock-check.ts).
  if ((mode !== 'full' && mode !== 'snapshot') || (mode === 'snapshot' && !fullSync && hasStockCheck(entity))) {
    return { planned: { source: key, mode, plan }, parts: [{ key, source: key }], count: 0, calls: 0, reason };
  }
  // A full pass, or the snapshot an incremental entity reads as one (snapshotWhenFull): the next
  // incremental read starts where Odoo stood when it began.
  const pass = mode === 'full' || entity.sync === 'incremental';
  const planSent = ServerClock.hostNow();
  // With the table's size (source-sizes.ts, one call for the run) planning asks nothing: no count, no newest
  // write_date (the rows loaded give it), and a source large enough for id ranges has them cut from its size.
  // A source too small for them is read as a plain read would.
  const size = await modelSize(ctx, runId, source.model);
  if (size !== undefined) {
    const next = pass ? watermarkForReadAt(ctx.odoo.clock, planSent, ctx.settings.LOOKBACK) : undefined;
    const ranges = mode === 'full' ? sizeRanges(ctx, size) : [];
    const parts: Part[] = ranges.length === 0 ? [{ key, source: key }] : ranges.map((range, i) => ({ key: `${key}#${i + 1}`, source: key, range }));
    return { planned: { source: key, mode, plan, fullHigh: null, nextWatermark: next }, parts, count: size, calls: 0, reason };
  }
  const [count, newest] = await Promise.all([
    // Totals for progress come from Odoo, not guesses.
    ctx.odoo.searchCount(source.model, domain, context),
    // Where the next incremental run must start: Odoo's newest write_date before this pass began.
    pass ? newestWriteDateOf(ctx, source.model, domain, context) : Promise.resolve(undefined),
  ]);
  let calls = newest !== undefined ? 2 : 1;
  const fullHigh = newest ?? null;
  const next = pass ? watermarkForReadAt(ctx.odoo.clock, planSent, ctx.settings.LOOKBACK, fullHigh) : undefined;
  const ranges = mode === 'full' ? await idRanges(ctx, source.model, domain, count, context) : [];
  calls += ranges.length > 0 ? 2 : 0;
  const parts: Part[] = ranges.length === 0 ? [{ key, source: key }] : ranges.map((range, i) => ({ key: `${key}#${i + 1}`, source: key, range }));
  return { planned: { source: key, mode, plan, fullHigh, nextWatermark: next }, parts, count, calls, reason };
}

/** Odoo's newest write_date of a source (null when no record has one). */
async function newestWriteDateOf(ctx: SyncContext, model: string, domain: Domain, context: Record<string, unknown>): Promise<string | null> {
  const [newest] = await ctx.odoo.searchRead(model, {
    domain: [...domain, ['write_date', '!=', false]] as Domain, fields: ['write_date'], order: 'write_date desc, id desc', limit: 1, context,
  });
  return typeof newest?.write_date === 'string' ? newest.write_date : null;
}

/**
 * Id ranges cut from the table's size alone (ir.model's count, source-sizes.ts), no call: Odoo's ids come
 * from one PostgreSQL sequence per table, so a table of `size` records mostly spans ids 1 to a little more
 * than `size`. Each range but the last spans a whole number of batches of ids (where ids are dense its last
 * batch ends on its last id, which ends the range without a short extra call, keyset-step.ts nextById); the
 * last is open-ended and takes whatever lies above: ids freed by deletions only make it the longest part,
 * they never lose a record.
 */
function sizeRanges(ctx: SyncContext, size: number): Array<[number, number]> {
  if (!worthRanges(ctx, size)) return [];
  const pieces = rangePieces(ctx, size);
  const width = Math.ceil(size / pieces / ctx.settings.BATCH_SIZE) * ctx.settings.BATCH_SIZE;
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < pieces; i++) ranges.push([i * width, i === pieces - 1 ? 2 ** 31 - 1 : (i + 1) * width]);
  return ranges;
}

/**
 * Id ranges `(after, upTo]` that split a large full pass for FULL_SYNC_CONCURRENCY parallel readers
 * (none when the source is small: a range must be worth RANGE_MIN_BATCHES batches, source-sizes.ts).
 * Each range but the last spans a whole number of batches of ids: where ids are dense its last batch ends
 * on its last id, which ends the range (nextById) without a short or empty extra call.
 */
async function idRanges(ctx: SyncContext, model: string, domain: Domain, count: number, context: Record<string, unknown>): Promise<Array<[number, number]>> {
  const pieces = rangePieces(ctx, count);
  if (pieces < 2) return [];
  const [[lowest], [highest]] = await Promise.all([
    ctx.odoo.search(model, domain, { order: 'id asc', limit: 1, context }),
    ctx.odoo.search(model, domain, { order: 'id desc', limit: 1, context }),
  ]);
  if (lowest === undefined || highest === undefined) return [];
  const ranges: Array<[number, number]> = [];
  const batch = ctx.settings.BATCH_SIZE;
  const width = Math.ceil((highest - lowest + 1) / pieces / batch) * batch;
  let after = lowest - 1;
  for (let i = 1; i <= pieces; i++) {
    // The last range is open-ended: records created during the pass land there.
    const upTo = i === pieces ? 2 ** 31 - 1 : lowest - 1 + width * i;
    if (upTo > after && after < highest) ranges.push([after, upTo]);
    after = upTo;
  }
  // Rounded up to whole batches, the first ranges may already reach the highest id: the last one found is open-ended.
  if (ranges.length > 0) ranges[ranges.length - 1]![1] = 2 ** 31 - 1;
  return ranges;
}
