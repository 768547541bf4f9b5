/**
 * Incremental mode: a part walks `(write_date, id)` from the watermark (watermark.ts). The watermark the
 * finished read stores is fixed by its first batch (Odoo's clock then − LOOKBACK) and travels in the
 * cursor to the part's later jobs.
 */
import type { Domain } from '../../odoo/index.ts';
import { nextByWriteDate, type WriteDateStepCursor } from '../../odoo/keyset-step.ts';
import { ServerClock } from '../../odoo/server-clock.ts';
import type { PartJob, PartReader } from './part-reader.ts';
import { readRecordBatch, recordDecoder } from './record-batch.ts';
import { incrementalStart, watermarkForReadAt, type IncrementalCursor } from './watermark.ts';

export async function openIncrementalRead(job: PartJob): Promise<PartReader<WriteDateStepCursor | undefined, IncrementalCursor>> {
  const decode = await recordDecoder(job);
  const { ctx } = job;
  const domain = (job.source.domain ?? []) as Domain;
  const stored = job.fresh ? undefined : (job.startRow.cursor as IncrementalCursor);
  let watermarkToStore: string | null | undefined = stored?.nextWatermark;
  return {
    start: stored ? (stored.walk ?? undefined) : incrementalStart(job.startRow, ctx.settings.LOOKBACK),
    openCalls: 0,
    next: (position) => readRecordBatch(job, decode, async (batchSize) => {
      const sent = ServerClock.hostNow();
      const r = await nextByWriteDate(ctx.odoo, job.plan.model, position, { domain, fields: job.plan.fields, context: job.session.context, batchSize });
      if (watermarkToStore === undefined) watermarkToStore = watermarkForReadAt(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null;
      return r;
    }),
    cursor: (position) => ({ walk: position ?? null, nextWatermark: watermarkToStore ?? null }),
  };
}
