/**
 * The steps of one entity in a run, run by the job `sync_entity` (a job takes batch after batch for up
 * to 20 s, then hands over to a continuation job).
 *
 * A step reads one batch from Odoo after the stored cursor, then, in ONE transaction: loads the rows
 * (etl.upsert_json), moves the cursor and the counters, and enqueues the continuation — or, when the
 * last part is read to its end, settles the entity (etl.finish_step), which queues the entities it unblocks.
 * A crash anywhere loses nothing and duplicates nothing: the job is retried, reads from the cursor of
 * the last commit, and the upsert is idempotent. Before committing, a step checks that the cursor is
 * still the one it read from (a `version` compare-and-set), so a job freed from a worker taken for dead
 * cannot move the cursor twice.
 *
 * An entity reads in parts that run in parallel, each with its own cursor and job chain: one part per
 * Odoo source (pos.order and sale.order for all_sales), and a large source's full pass is split into
 * FULL_SYNC_CONCURRENCY id ranges. The entity's first job plans, starts the other parts and reads the
 * first; the entity is settled by the commit that finishes its last part.
 */
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { getEntity } from '../entities/index.ts';
import { CompanyDependentColumnError, MissingFieldError, MissingModelError, planSource, selectionRows, seriesOf, toRow, type SourcePlan } from '../entities/plan.ts';
import type { Entity, SourceSpec } from '../entities/types.ts';
import {
  makeRecordDecoder,
  OdooAccessError,
  OdooAuthError,
  OdooDecodeError,
  OdooInvalidDomainError,
  OdooUnknownFieldError,
  OdooUnknownModelError,
  type Domain,
  type RawRecord,
} from '../odoo/index.ts';
import { nextById, nextByWriteDate, type WriteDateStepCursor } from '../odoo/keyset-step.ts';
import { contextForCompany, type OdooSession, type SyncContext } from './context.ts';
import { AdaptiveBatchSize } from './batch-size.ts';
import { upsertRows, type LoadCounts } from './load.ts';
import { incrementalStart, nextWatermark, readIncrementalCursor, type IncrementalCursor } from './watermark.ts';
import { odooDatetimeToIso } from '../odoo/datetime.ts';
import { ServerClock } from '../odoo/server-clock.ts';
import { settleStep, type SettledStep } from './settle-step.ts';
import { finishStockRead, hasStockCheck, planStockRead, readStockCursor, stockCursor, stockDeltaKeys, stockDomain } from './stock-check.ts';

export const stepPayload = z.object({ runId: z.number().int(), entity: z.string(), part: z.string().nullish() });
export type StepPayload = z.infer<typeof stepPayload>;

export interface JobInfo {
  attempts: number;
  maxAttempts: number;
  jobId: string;
}

type Mode = 'full' | 'incremental' | 'snapshot' | 'derived';

/** What the first step resolves against the server and every later step of the run reuses. */
const entityPlanSchema = z.object({
  series: z.string(),
  sources: z.array(
    z.object({
      source: z.string(),
      mode: z.enum(['full', 'incremental', 'snapshot', 'derived']),
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
type EntityPlan = z.infer<typeof entityPlanSchema>;
type Part = EntityPlan['parts'][number];

const stepStateSchema = z.object({
  status: z.string(),
  run_status: z.string(),
  plan: z.unknown().nullable(),
  sources_done: z.array(z.string()),
  full_sync: z.boolean(),
});

const watermarkSchema = z.object({
  high_write_date: z.string().nullable(),
  resume_at: z.string().nullable(),
  cursor_run_id: z.number().nullable(),
  cursor: z.unknown().nullable(),
  version: z.number(),
});
type Watermark = z.infer<typeof watermarkSchema>;

/** Errors that no retry can mend: settle the entity as failed at once. */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof MissingFieldError ||
    error instanceof MissingModelError ||
    error instanceof CompanyDependentColumnError ||
    error instanceof OdooAuthError ||
    error instanceof OdooAccessError ||
    error instanceof OdooUnknownModelError ||
    error instanceof OdooUnknownFieldError ||
    error instanceof OdooInvalidDomainError ||
    error instanceof OdooDecodeError
  );
}

export async function runEntityStep(ctx: SyncContext, payload: StepPayload, job: JobInfo): Promise<void> {
  const { runId, entity: table } = payload;
  const state = await ctx.pool.maybeOne(sql.type(stepStateSchema)`
    select e.status, r.status as run_status, e.plan, e.sources_done, r.full_sync
      from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.run_id = ${runId} and e.entity = ${table}`);
  // A job of a step or run that was settled meanwhile (cancelled, timed out, or deleted): nothing to do.
  if (!state || FINAL_STEP_STATES.includes(state.status) || state.run_status !== 'running') return;

  const log = ctx.logger.child({ runId, entity: table, attempt: job.attempts });
  try {
    await step(ctx, runId, getEntity(table), payload.part ?? undefined, state, log, job.attempts > 1);
  } catch (error) {
    if (error instanceof StepClosed) {
      log.info(`${table}: ${error.message}; the job stops here`);
      return;
    }
    const message = errorMessage(error);
    const permanent = isPermanent(error);
    if (permanent || job.attempts >= job.maxAttempts) {
      log.error({ err: error, permanent }, `${table} failed: ${message}`);
      const recorded = await ctx.pool
        .transaction(async (tx) => {
          await tx.query(sql.unsafe`update etl.run_entity set attempts = ${job.attempts} where run_id = ${runId} and entity = ${table}`);
          return settleStep(tx, runId, table, 'failed', message);
        })
        .then(
          (settled) => {
            observeSettled(ctx, settled);
            return true;
          },
          (recordError: unknown) => {
            // The job fails with the step's own error (its last_error); a retry, or the worker housekeeping
            // once the job is out of attempts, settles the step.
            log.error({ err: recordError }, `${table}: recording the failure failed: ${errorMessage(recordError)}`);
            return false;
          },
        );
      if (permanent && recorded) return; // the job is done: retrying cannot help
    } else {
      log.warn({ err: error }, `${table} step failed (attempt ${job.attempts} of ${job.maxAttempts}), will retry: ${message}`);
      await ctx.pool.query(sql.unsafe`
        update etl.run_entity set attempts = ${job.attempts}, error = ${message}
         where run_id = ${runId} and entity = ${table}`);
    }
    throw error;
  }
}

type StepLogger = SyncContext['logger'];

async function step(
  ctx: SyncContext,
  runId: number,
  entity: Entity,
  partKey: string | undefined,
  state: z.infer<typeof stepStateSchema>,
  log: StepLogger,
  retried = false,
): Promise<void> {
  let plan = state.plan ? entityPlanSchema.parse(state.plan) : undefined;
  if (!plan) {
    const planned = await planEntity(ctx, runId, entity, state.full_sync);
    if (planned === 'skipped') return;
    plan = planned;
  }
  let part: Part | undefined;
  if (partKey === undefined) {
    // The entity's first job: start every open part but one in jobs of their own, read that one here.
    const open = plan.parts.filter((p) => !state.sources_done.includes(p.key));
    if (open.length === 0) {
      observeSettled(ctx, await ctx.pool.transaction((tx) => settleStep(tx, runId, entity.table, 'succeeded')));
      return;
    }
    await ctx.pool.transaction(async (tx) => {
      for (const other of open.slice(1)) await tx.query(sql.unsafe`select etl.continue_step(${runId}, ${entity.table}, ${other.key})`);
    });
    part = open[0];
  } else {
    if (state.sources_done.includes(partKey)) return; // finished meanwhile by another job
    part = plan.parts.find((p) => p.key === partKey);
    if (!part) throw new Error(`${entity.table}: the run's plan has no part ${partKey}`);
  }
  await readPart(ctx, runId, entity, plan, part!, log, retried);
}

async function readPart(
  ctx: SyncContext,
  runId: number,
  entity: Entity,
  plan: EntityPlan,
  part: Part,
  log: StepLogger,
  /** This job was retried (an attempt failed, or its worker died): it hands over after its first batch. */
  retried = false,
): Promise<void> {
  const current = plan.sources.find((s) => s.source === part.source)!;
  const sourceSpec = entity.sources.find((s) => (s.source ?? '') === current.source)!;
  const session = await ctx.session();
  const watermark = await readWatermark(ctx.pool, entity.table, part.key);
  const fresh = watermark.cursor_run_id !== runId;
  const base = { runId, entity, plan, part, mode: current.mode };

  if (current.mode === 'derived') {
    const fields = await ctx.fieldsGet(current.plan.model);
    const rows = selectionRows(fields ?? {}, sourceSpec.selectionOf!);
    const committed = await commitStep(ctx.pool, { ...base, watermark, rows, read: rows.length, calls: 0, done: true, cursor: null,
      snapshotKeys: rows.map((r) => ({ code: r.code })) });
    observeCommitted(ctx, entity.table, part.source, rows.length, committed);
    if (committed && committed.finished) log.info({ mode: current.mode, ...committed.finished }, `${entity.table} synced`);
    return;
  }

  const fieldsGet = await ctx.fieldsGet(current.plan.model);
  if (!fieldsGet) throw new MissingModelError(entity.table, current.plan.model, plan.series as never);
  const decode = makeRecordDecoder(current.plan.model, fieldsGet, current.plan.fields);
  const baseDomain = (sourceSpec.domain ?? []) as Domain;
  // HOOK stock check (stock-check.ts): a stock snapshot reads only the quants written since its watermark and
  // the locations whose aggregates disagree with Odoo's, or the full snapshot; the plan rides in the cursor.
  const stock = current.mode === 'snapshot' && hasStockCheck(entity)
    ? fresh ? await planStockRead(ctx, session, runId, entity, current.plan.model, baseDomain, watermark.resume_at) : readStockCursor(watermark.cursor).plan
    : undefined;
  if (stock?.reason && fresh) log.info({ reason: stock.reason }, `${entity.table}: full snapshot`);
  const domain = stock ? stockDomain(stock, baseDomain) : baseDomain;
  const options = { domain, fields: current.plan.fields, batchSize: ctx.settings.BATCH_SIZE, context: session.context };
  const model = current.plan.model;

  const size = new AdaptiveBatchSize(ctx.settings.BATCH_SIZE, ctx.settings.BATCH_TARGET ?? 3000);

  // An incremental read fixes its watermark with its first batch (watermark.ts); later jobs find it in the cursor.
  const storedIncremental = current.mode === 'incremental' && !fresh ? readIncrementalCursor(watermark.cursor) : undefined;
  let incrementalWatermark: string | null | undefined = storedIncremental?.nextWatermark;

  /** One read after `position`, as large as the server's recent answer times allow. */
  const readBatch = async (position: unknown): Promise<Batch> => {
    const batchSize = size.current;
    const asked = Date.now();
    const sent = ServerClock.hostNow();
    // HOOK stock check: a delta with nothing to read makes no call.
    const r = stock?.empty ? { records: [], cursor: position, done: true }
      : current.mode === 'incremental'
        ? await nextByWriteDate(ctx.odoo, model, (position as WriteDateStepCursor | null) ?? undefined, { ...options, batchSize })
        : await nextById(ctx.odoo, model, Number(position ?? 0), { ...options, batchSize, beforeId: part.range?.[1] });
    const ms = Date.now() - asked;
    size.observe(batchSize, ms);
    if (current.mode === 'incremental' && incrementalWatermark === undefined) {
      incrementalWatermark = nextWatermark(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null;
    }
    const { byCompany, calls } = await readForCompanies(ctx, session, sourceSpec, current.plan, r.records);
    return { ...r, byCompany, calls: (stock?.empty ? 0 : 1) + calls, ms };
  };

  // A job loads batch after batch for up to JOB_BUDGET_MS, reading the next batch while the previous one
  // loads (prefetch). Every batch still commits on its own with its cursor (compare-and-set); only the
  // job's last batch enqueues the continuation. A crash mid-job leaves this job to be retried, and the
  // retry reads from the last committed cursor: nothing is lost or loaded twice. A retried job hands over to
  // a continuation (a new job, attempts from zero) after its first committed batch, so the attempts budget
  // counts failures without progress: workers that keep dying mid-job cannot exhaust it while work advances.
  const started = Date.now();
  const initial = current.mode === 'incremental'
    ? fresh ? incrementalStart(watermark, ctx.settings.LOOKBACK) : storedIncremental!.walk
    : fresh ? (part.range?.[0] ?? 0) : stock ? readStockCursor(watermark.cursor).at : watermark.cursor;
  let held = watermark;
  let pending = readBatch(initial);
  for (;;) {
    const batch = await pending;
    const last = batch.done || retried || Date.now() - started >= JOB_BUDGET_MS;
    let prefetched: Promise<Batch> | undefined;
    if (!last) {
      prefetched = readBatch(batch.cursor);
      prefetched.catch(() => {}); // awaited (and thrown) in the next turn; not an unhandled rejection meanwhile
    }
    const rows = batch.byCompany
      ? batch.byCompany.flatMap(({ company, records }) => records.map((record) => toRow(entity, sourceSpec, current.plan, decode(record), company)))
      : batch.records.map((record) => toRow(entity, sourceSpec, current.plan, decode(record)));
    let calls = batch.calls + (stock && held === watermark && fresh ? stock.calls : 0);
    let snapshotKeys: Array<Record<string, unknown>> | undefined;
    let afterLoad: StepCommit['afterLoad'];
    if (batch.done && stock) {
      // HOOK stock check: a delta marks deleted only in its re-read locations; both kinds store the watermark.
      const keys = await stockDeltaKeys(ctx, session, model, baseDomain, stock);
      calls += keys.calls;
      if (stock.kind === 'full') snapshotKeys = (await ctx.odoo.search(model, baseDomain, { context: session.context })).map((id) => ({ odoo_id: id }));
      calls += stock.kind === 'full' ? 1 : 0;
      afterLoad = (tx) => finishStockRead(tx, entity, part.key, stock, keys.ids);
    } else if (batch.done && current.mode === 'snapshot') {
      // Quants change and vanish without write_date moving: the snapshot's truth is Odoo's id set now.
      const ids = await ctx.odoo.search(model, domain, { context: session.context });
      calls++;
      snapshotKeys = sourceSpec.perCompany ? perCompanyKeys(entity, sourceSpec, ids, session.companyIds) : ids.map((id) => ({ odoo_id: id }));
    }
    const loading = Date.now();
    const cursor: unknown = current.mode === 'incremental'
      ? ({ walk: (batch.cursor as WriteDateStepCursor | undefined) ?? null, nextWatermark: incrementalWatermark ?? null } satisfies IncrementalCursor)
      : stock ? stockCursor(batch.cursor, stock) : batch.cursor ?? null;
    const committed = await commitStep(ctx.pool, {
      ...base, watermark: held, rows, read: batch.records.length, calls, done: batch.done, cursor,
      snapshotKeys, continueAfter: last, lookbackMs: ctx.settings.LOOKBACK, afterLoad,
    });
    observeCommitted(ctx, entity.table, part.source, batch.records.length, committed);
    if (committed) {
      log.debug({ part: part.key, mode: current.mode, read: rows.length, ...committed.counts, readMs: batch.ms, loadMs: Date.now() - loading, done: batch.done }, 'batch loaded');
      if (committed.finished) log.info({ mode: current.mode, ...committed.finished }, `${entity.table} synced`);
    }
    if (!committed || last || !prefetched) return;
    // What the commit just stored: the next batch's compare-and-set expects it.
    held = { ...held, version: held.version + 1, cursor_run_id: runId, cursor };
    pending = prefetched;
  }
}

/**
 * Company-dependent values as the spec chose them, for one batch read in the main company's context.
 * Per-company sources: the batch's records again in every other company's context (one read each), so a
 * record gives a row per company. Sources with 'record' columns: the records whose company_id is another
 * company get those columns re-read in that company's context (one read per company present in the batch).
 * The keyset walk itself is untouched: these are reads by id of the batch it just returned.
 */
export async function readForCompanies(
  ctx: SyncContext,
  session: OdooSession,
  source: SourceSpec,
  plan: SourcePlan,
  records: RawRecord[],
): Promise<{ byCompany?: Array<{ company: number; records: RawRecord[] }>; calls: number }> {
  if (records.length === 0) return { byCompany: source.perCompany ? [] : undefined, calls: 0 };
  const [main, ...others] = session.companyIds;
  const ids = records.map((r) => r.id);
  if (source.perCompany) {
    if (main === undefined) throw new Error(`${plan.table}: the API user has no company to read ${plan.model} for`);
    const byCompany = [{ company: main, records }];
    for (const company of others) {
      byCompany.push({ company, records: await ctx.odoo.read(plan.model, ids, plan.fields, contextForCompany(session, company)) });
    }
    return { byCompany, calls: others.length };
  }
  if (plan.companyFields.length === 0) return { calls: 0 };
  const groups = new Map<number, RawRecord[]>();
  for (const record of records) {
    const raw = record.company_id;
    const company = Array.isArray(raw) ? Number(raw[0]) : typeof raw === 'number' ? raw : null;
    // Shared records keep the main company's values; a company the user cannot select keeps them too.
    if (company === null || company === main || !others.includes(company)) continue;
    const group = groups.get(company);
    if (group) group.push(record);
    else groups.set(company, [record]);
  }
  for (const [company, group] of groups) {
    const own = await ctx.odoo.read(plan.model, group.map((r) => r.id), plan.companyFields, contextForCompany(session, company));
    const byId = new Map(own.map((r) => [r.id, r]));
    for (const record of group) {
      const values = byId.get(record.id);
      if (values) for (const f of plan.companyFields) record[f] = values[f];
    }
  }
  return { calls: groups.size };
}

/** A per-company snapshot's keys: every id for every company of the user. */
function perCompanyKeys(entity: Entity, source: SourceSpec, ids: number[], companies: number[]): Array<Record<string, unknown>> {
  const companyColumn = source.columns.find((c) => 'readCompany' in c)!.column;
  const idColumn = entity.key.find((k) => k !== companyColumn)!;
  return companies.flatMap((company) => ids.map((id) => ({ [idColumn]: id, [companyColumn]: company })));
}

interface Batch {
  records: RawRecord[];
  /** Per-company sources: the batch's records as each company reads them. */
  byCompany?: Array<{ company: number; records: RawRecord[] }>;
  cursor: unknown;
  done: boolean;
  calls: number;
  /** How long Odoo took to answer. */
  ms?: number;
}

/** How long one job keeps loading batches before it hands over to a continuation job. */
const JOB_BUDGET_MS = 20_000;

/** Resolves every source of the entity against the server (fields_get), records the plan, or settles the entity as skipped. */
async function planEntity(ctx: SyncContext, runId: number, entity: Entity, fullSync: boolean): Promise<EntityPlan | 'skipped'> {
  const session = await ctx.session();
  const series = seriesOf(session.serie);
  const extra = ctx.settings.EXTRA_FIELDS?.[entity.table] ?? [];
  const sources: EntityPlan['sources'] = [];
  const parts: EntityPlan['parts'] = [];
  const warnings: string[] = [];
  let calls = 0;
  let expected = 0;
  for (const source of entity.sources) {
    if (!ctx.fieldsCached(source.model)) calls++;
    const fieldsGet = await ctx.fieldsGet(source.model);
    const planned = planSource(entity, source, series, fieldsGet, extra);
    if (planned.status === 'skipped') {
      ctx.logger.warn({ runId, entity: entity.table }, `${entity.table} skipped: ${planned.reason}`);
      const settled = await ctx.pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`
          update etl.run_entity set warnings = array[${planned.reason}]::text[], mode = ${entity.sync}, calls = calls + ${calls},
                 started_at = coalesce(started_at, now())
           where run_id = ${runId} and entity = ${entity.table}`);
        return settleStep(tx, runId, entity.table, 'skipped', planned.reason);
      });
      observeSettled(ctx, settled);
      return 'skipped';
    }
    warnings.push(...planned.plan.warnings);
    const key = source.source ?? '';
    const { mode, reason } = await sourceMode(ctx.pool, entity, source, fullSync, planned.plan.fieldSet);
    if (reason) {
      warnings.push(reason);
      ctx.logger.info({ runId, entity: entity.table, source: key }, reason);
    }
    const domain = (source.domain ?? []) as Domain;
    // HOOK stock check: a stock snapshot that is not a full run skips the count too (stock-check.ts reads what changed).
    if ((mode !== 'full' && mode !== 'snapshot') || (mode === 'snapshot' && !fullSync && hasStockCheck(entity))) {
      // Incremental runs skip the count: one call is their whole budget when nothing changed.
      sources.push({ source: key, mode, plan: planned.plan });
      parts.push({ key, source: key });
      continue;
    }
    const planSent = ServerClock.hostNow();
    // Asked at once: on a distant Odoo each call is a round trip, and a run's first steps wait for them.
    const [count, newest] = await Promise.all([
      // Totals for progress come from Odoo, not guesses.
      ctx.odoo.searchCount(source.model, domain, session.context),
      // Where the next incremental run must start: Odoo's newest write_date before this pass began.
      mode === 'full' ? newestWriteDateOf(ctx, source.model, domain, session.context) : Promise.resolve(undefined),
    ]);
    expected += count;
    calls += newest !== undefined ? 2 : 1;
    const fullHigh = newest ?? null;
    const next = mode === 'full' ? nextWatermark(ctx.odoo.clock, planSent, ctx.settings.LOOKBACK, fullHigh) : undefined;
    sources.push({ source: key, mode, plan: planned.plan, fullHigh, nextWatermark: next });
    const ranges = mode === 'full' ? await idRanges(ctx, source.model, domain, count, session.context) : [];
    calls += ranges.length > 0 ? 2 : 0;
    if (ranges.length === 0) parts.push({ key, source: key });
    else ranges.forEach((range, i) => parts.push({ key: `${key}#${i + 1}`, source: key, range }));
  }
  for (const warning of warnings) ctx.logger.warn({ runId, entity: entity.table }, warning);
  const plan: EntityPlan = { series, sources, parts };
  const modes = [...new Set(sources.map((s) => s.mode))].join('+');
  const planned = await ctx.pool.query(sql.unsafe`
    update etl.run_entity
       set plan = ${sql.jsonb(plan as never)}, warnings = ${sql.array(warnings, 'text')}, mode = ${modes},
           expected = ${sources.some((s) => s.mode !== 'incremental') ? expected : null},
           status = 'running', started_at = coalesce(started_at, now()), calls = calls + ${calls}
     where run_id = ${runId} and entity = ${entity.table} and status in ('queued', 'running')
       and exists (select 1 from etl.run r where r.id = ${runId} and r.status = 'running')`);
  if (planned.rowCount === 0) throw new StepClosed(`run ${runId} ended before ${entity.table} started`);
  return plan;
}

/** Odoo's newest write_date of a source (null when no record has one). */
async function newestWriteDateOf(ctx: SyncContext, model: string, domain: Domain, context: Record<string, unknown>): Promise<string | null> {
  const [newest] = await ctx.odoo.searchRead(model, {
    domain: [...domain, ['write_date', '!=', false]] as Domain, fields: ['write_date'], order: 'write_date desc, id desc', limit: 1, context,
  });
  return typeof newest?.write_date === 'string' ? newest.write_date : null;
}

/**
 * Id ranges `(after, upTo]` that split a large full pass for FULL_SYNC_CONCURRENCY parallel readers
 * (none when the source is small: a range must be worth a few batches).
 */
async function idRanges(ctx: SyncContext, model: string, domain: Domain, count: number, context: Record<string, unknown>): Promise<Array<[number, number]>> {
  const pieces = Math.min(ctx.settings.FULL_SYNC_CONCURRENCY, Math.floor(count / (2 * ctx.settings.BATCH_SIZE)));
  if (pieces < 2) return [];
  const [[lowest], [highest]] = await Promise.all([
    ctx.odoo.search(model, domain, { order: 'id asc', limit: 1, context }),
    ctx.odoo.search(model, domain, { order: 'id desc', limit: 1, context }),
  ]);
  if (lowest === undefined || highest === undefined) return [];
  const ranges: Array<[number, number]> = [];
  const span = highest - lowest + 1;
  let after = lowest - 1;
  for (let i = 1; i <= pieces; i++) {
    // The last range is open-ended: records created during the pass land there.
    const upTo = i === pieces ? 2 ** 31 - 1 : lowest - 1 + Math.round((span * i) / pieces);
    if (upTo > after) ranges.push([after, upTo]);
    after = upTo;
  }
  return ranges;
}

/**
 * How a source reads this run. An incremental source whose field set (SourcePlan.fieldSet) is not the one
 * its last full pass wrote reads in full, with the reason: rows written before the change would never get
 * a new column's value otherwise (only rows changed later would), and a removed extra field would stay in
 * `extra`. A watermark from before field sets were recorded (NULL) adopts the current set, unless the set
 * reads company-dependent columns, which older versions read for the wrong company.
 */
async function sourceMode(
  pool: DatabasePool,
  entity: Entity,
  source: SourceSpec,
  fullSync: boolean,
  fieldSet: string[],
): Promise<{ mode: Mode; reason?: string }> {
  if (entity.sync === 'derived') return { mode: 'derived' };
  if (entity.sync === 'snapshot') return { mode: 'snapshot' };
  if (fullSync) return { mode: 'full' };
  const key = source.source ?? '';
  const row = await pool.maybeOne(sql.type(z.object({ full_done_at: z.string().nullable(), field_set: z.array(z.string()).nullable() }))`
    select full_done_at, field_set from etl.watermark where entity = ${entity.table} and source = ${key}`);
  if (!row?.full_done_at) return { mode: 'full' };
  const label = `${entity.table}${key ? ` (${key})` : ''}`;
  if (row.field_set === null) {
    if (fieldSet.some((f) => f.includes('@'))) {
      return { mode: 'full', reason: `${label}: full pass: its rows predate per-company reading of company-dependent columns` };
    }
    await pool.query(sql.unsafe`
      update etl.watermark set field_set = ${sql.array(fieldSet, 'text')} where entity = ${entity.table} and source = ${key} and field_set is null`);
    return { mode: 'incremental' };
  }
  const change = fieldSetChange(row.field_set, fieldSet);
  if (change) return { mode: 'full', reason: `${label}: full pass: the columns read changed since the last full pass (${change})` };
  return { mode: 'incremental' };
}

/** What differs between two field sets, as `+added −removed`; null when equal. */
export function fieldSetChange(before: string[], now: string[]): string | null {
  const added = now.filter((f) => !before.includes(f));
  const removed = before.filter((f) => !now.includes(f));
  if (added.length === 0 && removed.length === 0) return null;
  return [...added.map((f) => `+${f}`), ...removed.map((f) => `−${f}`)].join(' ');
}

async function readWatermark(pool: DatabasePool, entity: string, source: string): Promise<Watermark> {
  const row = await pool.maybeOne(sql.type(watermarkSchema)`
    select high_write_date, resume_at, cursor_run_id, cursor, version
      from etl.watermark where entity = ${entity} and source = ${source}`);
  return row ?? { high_write_date: null, resume_at: null, cursor_run_id: null, cursor: null, version: 0 };
}

interface StepCommit {
  runId: number;
  entity: Entity;
  plan: EntityPlan;
  part: Part;
  mode: Mode;
  /** The part's cursor row as this step read it (its version is the compare-and-set). */
  watermark: Watermark;
  rows: Array<Record<string, unknown>>;
  read: number;
  calls: number;
  /** The part is read to its end. */
  done: boolean;
  cursor: unknown;
  /** Snapshot sources: every key Odoo has now; the others are marked deleted. */
  snapshotKeys?: Array<Record<string, unknown>>;
  /** False when the job goes on with the next batch itself: enqueue no continuation for an unfinished part. */
  continueAfter?: boolean;
  /** LOOKBACK, for the watermark of a server that sends no Date header (watermark.ts). */
  lookbackMs?: number;
  /** Work of the commit's transaction after the load (stock check); returns rows marked deleted. */
  afterLoad?: (tx: DatabaseTransactionConnection) => Promise<number>;
}

class LostRace extends Error {}

/** The step's run ended (cancelled, timed out, settled) while a job of it was working: the job stops, committing nothing more. */
export class StepClosed extends Error {
  override name = 'StepClosed';
}

/** Step states that never change again. */
export const FINAL_STEP_STATES = ['succeeded', 'failed', 'skipped', 'cancelled'];

const entityTotalsSchema = z.object({
  sources_done: z.array(z.string()),
  read: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  deleted: z.number(),
  batches: z.number(),
  calls: z.number(),
  seconds: z.number(),
});

interface Committed {
  counts: LoadCounts & { deleted: number };
  /** The entity's totals when this commit finished it. */
  finished?: Omit<z.infer<typeof entityTotalsSchema>, 'sources_done'>;
  /** The settlement this commit made, if it settled the step. */
  settled?: SettledStep | null;
}

/** Commits one batch; false when another job had already moved the cursor (this batch is dropped). */
async function commitStep(pool: DatabasePool, c: StepCommit): Promise<Committed | false> {
  const table = c.entity.table;
  const maxWriteDate = c.rows.reduce<string | null>((max, row) => {
    const value = typeof row.write_date === 'string' ? row.write_date : null;
    return value && (!max || value > max) ? value : max;
  }, null);
  try {
    return await pool.transaction(async (tx): Promise<Committed> => {
      await claimWatermark(tx, table, c.part.key, c.watermark.version);
      const counts = await upsertRows(tx, table, c.rows);
      let deleted = 0;
      if (c.snapshotKeys) {
        deleted = await tx.oneFirst(sql.type(z.object({ deleted: z.number() }))`
          select deleted from etl.mark_deleted_except(format('public.%I', ${table}::text)::regclass, ${sql.jsonb(c.snapshotKeys as never)})`);
      }
      if (c.afterLoad) deleted += await c.afterLoad(tx);
      await tx.query(sql.unsafe`
        update etl.watermark
           set cursor = ${sql.jsonb((c.cursor ?? null) as never)},
               cursor_run_id = ${c.runId},
               version = version + 1,
               updated_at = now(),
               high_write_date = case when ${c.mode === 'incremental'} then greatest(high_write_date, ${maxWriteDate}::timestamptz)
                                      else high_write_date end,
               -- A finished incremental read moves the watermark to Odoo's clock at its first batch − LOOKBACK, or
               -- without a clock reading to the newest write_date loaded − LOOKBACK (watermark.ts).
               resume_at = case when ${c.mode === 'incremental' && c.done} then greatest(resume_at, coalesce(
                                  ${incrementalWatermarkIso(c)}::timestamptz,
                                  greatest(high_write_date, ${maxWriteDate}::timestamptz) - make_interval(secs => ${(c.lookbackMs ?? 0) / 1000})))
                                else resume_at end
         where entity = ${table} and source = ${c.part.key}`);
      const totals = await tx.maybeOne(sql.type(entityTotalsSchema)`
        update etl.run_entity
           set read = read + ${c.read}, inserted = inserted + ${counts.inserted}, updated = updated + ${counts.updated},
               unchanged = unchanged + ${counts.unchanged}, deleted = deleted + ${deleted}, batches = batches + 1,
               calls = calls + ${c.calls}, status = 'running', started_at = coalesce(started_at, now()),
               sources_done = case when ${c.done} then array_append(sources_done, ${c.part.key}) else sources_done end
         where run_id = ${c.runId} and entity = ${table} and not (${c.part.key} = any(sources_done))
           and status in ('queued', 'running')
           and exists (select 1 from etl.run r where r.id = ${c.runId} and r.status = 'running')
     returning sources_done, read, inserted, updated, unchanged, deleted, batches, calls,
               extract(epoch from clock_timestamp() - started_at)::float8 as seconds`);
      if (!totals) {
        // The run ended meanwhile (cancelled, RUN_TIMEOUT, settled by housekeeping): roll this batch back whole.
        const open = await tx.maybeOneFirst(sql.type(z.object({ open: z.boolean() }))`
          select e.status in ('queued', 'running') and r.status = 'running' as open
            from etl.run_entity e join etl.run r on r.id = e.run_id
           where e.run_id = ${c.runId} and e.entity = ${table}`);
        if (!open) throw new StepClosed(`run ${c.runId} ended (${table} is no longer running)`);
        // A stale job of a part another job already finished (its cursor row may be gone): drop the batch.
        throw new LostRace(`${table}/${c.part.key} was already read to its end`);
      }
      const committed: Committed = { counts: { ...counts, deleted } };
      if (!c.done) {
        if (c.continueAfter !== false) await tx.query(sql.unsafe`select etl.continue_step(${c.runId}, ${table}, ${c.part.key})`);
        return committed;
      }
      const done = totals.sources_done;
      // The row lock of the update above orders the parts' last commits: exactly one sees its source, then the entity, complete.
      const sourceParts = c.plan.parts.filter((p) => p.source === c.part.source);
      if (c.mode === 'full' && sourceParts.every((p) => done.includes(p.key))) {
        // A finished full pass: the next incremental run starts where Odoo stood when the pass began.
        const fullHigh = c.plan.sources.find((s) => s.source === c.part.source)?.fullHigh;
        await tx.query(sql.unsafe`insert into etl.watermark (entity, source) values (${table}, ${c.part.source}) on conflict do nothing`);
        const fieldSet = c.plan.sources.find((s) => s.source === c.part.source)?.plan.fieldSet ?? null;
        await tx.query(sql.unsafe`
          update etl.watermark
             set high_write_date = greatest(high_write_date, ${fullHigh ? odooDatetimeToIso(fullHigh) : null}::timestamptz),
                 resume_at = greatest(resume_at, ${fullPassWatermarkIso(c)}::timestamptz),
                 full_done_at = now(), cursor_run_id = ${c.runId}, version = version + 1, updated_at = now(),
                 field_set = ${fieldSet ? sql.array(fieldSet, 'text') : null}
           where entity = ${table} and source = ${c.part.source}`);
        const ranges = sourceParts.filter((p) => p.key !== p.source).map((p) => p.key);
        if (ranges.length > 0) {
          await tx.query(sql.unsafe`delete from etl.watermark where entity = ${table} and source = any(${sql.array(ranges, 'text')})`);
        }
      }
      if (c.plan.parts.every((p) => done.includes(p.key))) {
        committed.settled = await settleStep(tx, c.runId, table, 'succeeded');
        const { sources_done: _, ...finished } = totals;
        committed.finished = finished;
      }
      return committed;
    });
  } catch (error) {
    if (error instanceof LostRace) return false; // another job already committed this batch; it also queued the next
    throw error;
  }
}

/** The watermark a finished full pass moves its source to, as ISO-8601 (null: it stays). */
function fullPassWatermarkIso(c: StepCommit): string | null {
  const next = c.plan.sources.find((s) => s.source === c.part.source)?.nextWatermark;
  return next ? odooDatetimeToIso(next) : null;
}

/** The watermark an incremental read fixed with its first batch, as ISO-8601 (null: no clock reading). */
function incrementalWatermarkIso(c: StepCommit): string | null {
  const next = (c.cursor as IncrementalCursor | null)?.nextWatermark;
  return next ? odooDatetimeToIso(next) : null;
}

/** Locks the entity's watermark row and checks nobody moved it since this step read it. */
async function claimWatermark(tx: DatabaseTransactionConnection, table: string, source: string, version: number): Promise<void> {
  await tx.query(sql.unsafe`insert into etl.watermark (entity, source) values (${table}, ${source}) on conflict do nothing`);
  const current = await tx.oneFirst(sql.type(z.object({ version: z.number() }))`
    select version from etl.watermark where entity = ${table} and source = ${source} for update`);
  if (current !== version) throw new LostRace(`${table}/${source}: watermark moved from version ${version} to ${current}`);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Tells the observer (metrics) what a commit did, once it is committed. */
function observeCommitted(ctx: SyncContext, entity: string, source: string, read: number, committed: Committed | false): void {
  if (!committed || !ctx.observer) return;
  ctx.observer.batchCommitted({ entity, source, read, ...committed.counts });
  observeSettled(ctx, committed.settled);
}

function observeSettled(ctx: SyncContext, settled: SettledStep | null | undefined): void {
  if (settled) ctx.observer?.stepSettled(settled);
}
