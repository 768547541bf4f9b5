/**
 * Each model's fields_get, kept in the target database (etl.odoo_fields) so that a fresh process (`sync`
 * from cron, a worker on a 15-minute schedule) does not ask Odoo for every model's fields every run.
 *
 * What could make a kept answer wrong is checked with ONE call per run for all models: the ir.model.fields
 * rows of the fields the specs read (type, relation, company_dependent, store). Odoo rewrites those rows
 * whenever its fields change: a module install, upgrade or uninstall reflects them with raw SQL
 * (IrModelFields._reflect_fields, `upsert_en`, which leaves write_date alone), Studio and manual fields go
 * through the ORM. So the rows themselves are compared, not their write_date: a field that appears,
 * disappears or changes type moves its model's fingerprint, and only that model is asked again.
 * What the rows cannot show is read fresh where it is used: a selection's values (ir.model.fields.selection)
 * by the derived entities themselves (step/derived.ts).
 *
 * A user that may not read ir.model.fields (Administration/Access Rights on Odoo 16+) gets the previous
 * behaviour: fields_get per model, kept in this process for FIELDS_TTL_MS.
 */
import crypto from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { columnFields, entities, seriesOf } from '../entities/index.ts';
import { companyFieldsOf } from '../entities/company-values.ts';
import type { Settings } from '../config.ts';
import type { Logger } from '../log.ts';
import { OdooAccessError, OdooUnknownModelError, type FieldsGetResult, type OdooClient } from '../odoo/index.ts';

const FIELDS_TTL_MS = 10 * 60 * 1000;
/** The attributes of ir.model.fields that decide how a field is planned and decoded. */
const FINGERPRINT_ATTRIBUTES = ['model', 'name', 'ttype', 'relation', 'company_dependent', 'store'];

export interface FieldsAnswer {
  /** The model's fields (those the specs read, when kept), or null when the server does not have the model. */
  fields: FieldsGetResult | null;
  /** Whether this answer cost a fields_get call. */
  asked: boolean;
}

/** Per model: the field names the specs (and EXTRA_FIELDS) may read on a series. */
export function watchedFields(series: string, extraFields: Settings['EXTRA_FIELDS']): Map<string, Set<string>> {
  const s = seriesOf(series);
  const out = new Map<string, Set<string>>();
  for (const entity of entities) {
    for (const source of entity.sources) {
      const names = out.get(source.model) ?? new Set(['id', 'write_date', 'active', 'company_id']);
      for (const column of source.columns) for (const f of columnFields(column, s)) names.add(f);
      if (source.selectionOf) names.add(source.selectionOf);
      for (const f of extraFields?.[entity.table] ?? []) names.add(f);
      out.set(source.model, names);
      // the company fields a computed column reads (src/sync/business-timezones.ts asks res.company's kept fields)
      const company = companyFieldsOf(source, s);
      if (company.length > 0) {
        const companyNames = out.get('res.company') ?? new Set(['id', 'write_date', 'active', 'company_id']);
        for (const f of company) companyNames.add(f);
        out.set('res.company', companyNames);
      }
    }
  }
  return out;
}

interface Check {
  /** The fingerprint of each watched model now. */
  fingerprints: Map<string, string>;
  watched: Map<string, Set<string>>;
  /** What etl.odoo_fields held when the check ran. */
  stored: Map<string, { fields: FieldsGetResult | null; fingerprint: string }>;
}

const storedSchema = z.object({ model: z.string(), fields: z.record(z.unknown()).nullable(), fingerprint: z.string() });

export class FieldsCache {
  /** The check of the current run and, outside runs, of the last FIELDS_TTL_MS (resolves undefined: not possible). */
  private readonly checks = new Map<string, { at: number; value: Promise<Check | undefined> }>();
  /** `run`: the run whose get asked Odoo for it (its answer is as fresh as that run). */
  private readonly kept = new Map<string, { fingerprint: string; value: Promise<FieldsGetResult | null>; run?: number }>();
  /** Without a check: fields_get per model, kept for FIELDS_TTL_MS. */
  private readonly timed = new Map<string, { at: number; value: Promise<FieldsGetResult | null> }>();
  private unavailableLogged = false;

  constructor(
    private readonly o: {
      pool: DatabasePool;
      odoo: OdooClient;
      logger: Logger;
      series: () => Promise<string>;
      extraFields: () => Settings['EXTRA_FIELDS'];
    },
  ) {}

  /** A model's fields; `runId`: checked once for that run (else once per FIELDS_TTL_MS). */
  async get(model: string, runId?: number): Promise<FieldsAnswer> {
    const check = await this.checkFor(runId);
    const fingerprint = check?.fingerprints.get(model);
    if (!check || fingerprint === undefined) return this.getTimed(model);
    const kept = this.kept.get(model);
    if (kept?.fingerprint === fingerprint) return { fields: await kept.value, asked: false };
    const stored = check.stored.get(model);
    if (stored?.fingerprint === fingerprint) {
      this.kept.set(model, { fingerprint, value: Promise.resolve(stored.fields) });
      return { fields: stored.fields, asked: false };
    }
    const value = this.ask(model).then(async (all) => {
      const fields = all && pick(all, check.watched.get(model)!);
      await this.o.pool.query(sql.unsafe`
        insert into etl.odoo_fields (model, fields, fingerprint) values (${model}, ${fields ? sql.jsonb(fields as never) : null}, ${fingerprint})
        on conflict (model) do update set fields = excluded.fields, fingerprint = excluded.fingerprint, fetched_at = now()`);
      return fields;
    });
    value.catch(() => this.kept.delete(model));
    this.kept.set(model, { fingerprint, value, run: runId });
    return { fields: await value, asked: true };
  }

  /** What fields_get answered for the model during run `runId` in this process, if a get of that run asked it. */
  askedIn(model: string, runId: number): Promise<FieldsGetResult | null> | undefined {
    const kept = this.kept.get(model);
    return kept?.run === runId ? kept.value : undefined;
  }

  /** Forgets what is kept of a model (a read found its fields other than kept): the next get asks Odoo. */
  async forget(model: string): Promise<void> {
    this.kept.delete(model);
    this.timed.delete(model);
    for (const check of this.checks.values()) (await check.value.catch(() => undefined))?.stored.delete(model);
    await this.o.pool.query(sql.unsafe`delete from etl.odoo_fields where model = ${model}`);
  }

  private checkFor(runId: number | undefined): Promise<Check | undefined> {
    const key = runId === undefined ? 'timed' : `run:${runId}`;
    const current = this.checks.get(key);
    if (current && (runId !== undefined || Date.now() - current.at < FIELDS_TTL_MS)) return current.value;
    // One run's check at a time (runs follow each other); the one outside runs stays beside it.
    if (runId !== undefined) for (const k of this.checks.keys()) if (k.startsWith('run:')) this.checks.delete(k);
    const value = this.runCheck().catch((error: unknown) => {
      this.checks.delete(key); // the next get tries again
      throw error;
    });
    this.checks.set(key, { at: Date.now(), value });
    return value;
  }

  /** The one call: the ir.model.fields rows of every watched field, and what the database keeps. */
  private async runCheck(): Promise<Check | undefined> {
    const watched = watchedFields(await this.o.series(), this.o.extraFields());
    const models = [...watched.keys()].sort();
    const names = [...new Set([...watched.values()].flatMap((s) => [...s]))].sort();
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await this.o.odoo.searchRead('ir.model.fields', {
        domain: [['model', 'in', models], ['name', 'in', names]], fields: FINGERPRINT_ATTRIBUTES, order: 'model, name',
      });
    } catch (error) {
      if (!(error instanceof OdooAccessError)) throw error;
      if (!this.unavailableLogged) {
        this.o.logger.info('this Odoo user may not read ir.model.fields: fields_get is asked per model and run');
        this.unavailableLogged = true;
      }
      return undefined;
    }
    const lines = new Map<string, string[]>(models.map((m) => [m, []]));
    for (const row of rows) {
      const model = String(row.model);
      if (!watched.get(model)?.has(String(row.name))) continue;
      lines.get(model)!.push(JSON.stringify(FINGERPRINT_ATTRIBUTES.map((a) => row[a] ?? false)));
    }
    const fingerprints = new Map<string, string>();
    for (const [model, l] of lines) {
      // The names watched are part of it: a field newly read (EXTRA_FIELDS) is not in an older kept answer.
      const text = `${[...watched.get(model)!].sort().join(',')}\n${l.sort().join('\n')}`;
      fingerprints.set(model, crypto.createHash('sha256').update(text).digest('hex').slice(0, 32));
    }
    const stored = new Map<string, { fields: FieldsGetResult | null; fingerprint: string }>();
    for (const row of await this.o.pool.any(sql.type(storedSchema)`select model, fields, fingerprint from etl.odoo_fields`)) {
      stored.set(row.model, { fields: row.fields as FieldsGetResult | null, fingerprint: row.fingerprint });
    }
    return { fingerprints, watched, stored };
  }

  private getTimed(model: string): Promise<FieldsAnswer> {
    const cached = this.timed.get(model);
    if (cached && Date.now() - cached.at < FIELDS_TTL_MS) return cached.value.then((fields) => ({ fields, asked: false }));
    const value = this.ask(model);
    value.catch(() => this.timed.delete(model));
    this.timed.set(model, { at: Date.now(), value });
    return value.then((fields) => ({ fields, asked: true }));
  }

  private ask(model: string): Promise<FieldsGetResult | null> {
    return this.o.odoo.fieldsGet(model).catch((error: unknown) => {
      if (error instanceof OdooUnknownModelError) return null;
      throw error;
    });
  }
}

function pick(all: FieldsGetResult, names: Set<string>): FieldsGetResult {
  const out: FieldsGetResult = {};
  for (const name of [...names].sort()) if (all[name]) out[name] = all[name];
  return out;
}
