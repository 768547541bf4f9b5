/**
 * Full mode: a part walks its records by id (within its id range, plan.ts), from the id its last commit
 * stored. Its cursor is that id position (null before the first batch).
 */
import type { Domain } from '../../odoo/index.ts';
import { nextById } from '../../odoo/keyset-step.ts';
import type { PartJob, PartReader } from './part-reader.ts';
import { readRecordBatch, recordDecoder } from './record-batch.ts';

/** The last id read; null: none yet. */
export type FullCursor = number | null;

export async function openFullRead(job: PartJob): Promise<PartReader<FullCursor, FullCursor>> {
  const decode = await recordDecoder(job);
  const domain = (job.source.domain ?? []) as Domain;
  return {
    start: job.fresh ? (job.part.range?.[0] ?? 0) : (job.startRow.cursor as FullCursor),
    openCalls: 0,
    next: (position) => readRecordBatch(job, decode, (batchSize) => nextById(job.ctx.odoo, job.plan.model, Number(position ?? 0), {
      domain, fields: job.plan.fields, context: job.session.context, batchSize, beforeId: job.part.range?.[1],
    })),
    cursor: (position) => position ?? null,
  };
}
