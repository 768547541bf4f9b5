/**
 * What the modes that read Odoo records share: the record decoder of the source (a model the server lacks
 * fails here, before any read), and one batch as rows: the keyset read (timed, for the batch size), the
 * company-dependent re-reads (companies.ts) and the rows of the entity spec.
 */
import { MissingModelError, toRow } from '../../entities/plan.ts';
import { makeRecordDecoder, type RawRecord } from '../../odoo/index.ts';
import type { StepResult } from '../../odoo/keyset-step.ts';
import { readForCompanies } from './companies.ts';
import type { PartBatch, PartJob } from './part-reader.ts';

export type RecordDecoder = ReturnType<typeof makeRecordDecoder>;

export async function recordDecoder(job: PartJob): Promise<RecordDecoder> {
  const fieldsGet = await job.ctx.fieldsGet(job.plan.model, job.runId);
  if (!fieldsGet) throw new MissingModelError(job.entity.table, job.plan.model, job.plan.series);
  return makeRecordDecoder(job.plan.model, fieldsGet, job.plan.fields);
}

/** One batch: `read(batchSize)` is the keyset read (none: an empty last batch, no call). */
export async function readRecordBatch<P>(
  job: PartJob,
  decode: RecordDecoder,
  read: ((batchSize: number) => Promise<StepResult<P>>) | { empty: P },
): Promise<PartBatch<P>> {
  const batchSize = job.size.current;
  const asked = Date.now();
  const r = 'empty' in read ? { records: [] as RawRecord[], cursor: read.empty, done: true } : await read(batchSize);
  const ms = Date.now() - asked;
  job.size.observe(batchSize, ms);
  const { byCompany, calls } = await readForCompanies(job.ctx, job.session, job.source, job.plan, r.records);
  const { entity, source, plan } = job;
  const rows = byCompany
    ? byCompany.flatMap(({ company, records }) => records.map((record) => toRow(entity, source, plan, decode(record), company)))
    : r.records.map((record) => toRow(entity, source, plan, decode(record)));
  return { rows, read: r.records.length, ids: r.records.map((record) => record.id), position: r.cursor, done: r.done, calls: ('empty' in read ? 0 : 1) + calls, ms };
}
