// What every part of the dataset shares: the one random sequence (its draw order is what makes a seed and
// scale give the same bytes, so the parts must run in index.ts's order), the time frame and the insert helpers.
import { toOdooDatetime } from '../../odoo/datetime.ts';
import type { Db, Rec } from '../store.ts';

export const DAY = 86_400_000;
/** Data "now": fixed so that the same seed and scale give the same bytes on any day. */
export const DATA_EPOCH = Date.UTC(2026, 10, 24, 0, 0, 0);
/** Two years of history before DATA_EPOCH. */
export const SPAN = 730 * DAY;

/** Ids of the people the simulator authenticates (Odoo's demo uses 2 for admin, 6 for demo). */
export const ADMIN_UID = 2;
export function demoUid(version: string): number {
  return version === '19.0' ? 5 : 6;
}

export function dt(ms: number): string {
  return toOdooDatetime(new Date(ms));
}
export const d10 = (ms: number): string => dt(ms).slice(0, 10);
export const r2 = (x: number): number => Math.round(x * 100) / 100;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DatasetOptions {
  seed: number;
  scale: number;
  withBrand: boolean;
  demoUid: number;
}

export interface Gen {
  readonly db: Db;
  readonly o: DatasetOptions;
  /** Start of the history (DATA_EPOCH - SPAN). */
  readonly start: number;
  rnd(): number;
  int(a: number, b: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  /** create/write stamps of a dimension record: mostly one of the bulk imports' dates, as Odoo leaves them. */
  dimStamp(): Record<string, unknown>;
  /** Inserts the values of fields the version has (plus `_` helpers), dropping the others. */
  put(model: string, values: Record<string, unknown>): Rec;
  has(model: string, field: string): boolean;
  /** `wanted` if the model's state selection has it on this version, else `fallback`. */
  state(model: string, wanted: string, fallback: string): string;
  person(): string;
}

export function createGen(db: Db, o: DatasetOptions, names: { first: readonly string[]; last: readonly string[] }): Gen {
  const rnd = mulberry32(o.seed * 2654435761 + Math.round(o.scale * 1000));
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  const start = DATA_EPOCH - SPAN;
  // Imports and upgrades stamp many records with one write_date, as Odoo does.
  const imports = [start, start + 30 * DAY, start + 200 * DAY, start + 400 * DAY, DATA_EPOCH - 20 * DAY].map((t) => t + 9 * 3600_000);
  return {
    db,
    o,
    start,
    rnd,
    int,
    pick,
    chance,
    dimStamp() {
      const created = pick(imports.slice(0, 3));
      const written = chance(0.6) ? pick(imports.filter((t) => t >= created)) : created + int(0, 600) * DAY * 0.99;
      return { create_date: dt(created), write_date: dt(Math.min(written, DATA_EPOCH)), create_uid: ADMIN_UID, write_uid: ADMIN_UID };
    },
    put(model, values) {
      const t = db.table(model)!;
      const clean: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) if (k === 'id' || k.startsWith('_') || k in t.fields) clean[k] = v;
      return db.insert(model, clean);
    },
    has: (model, field) => field in (db.table(model)?.fields ?? {}),
    // States come and go between versions (19 has no 'invoiced' POS or 'done' purchase state).
    state: (model, wanted, fallback) => ((db.table(model)?.fields.state?.selection ?? []).some(([k]) => k === wanted) ? wanted : fallback),
    person: () => `${pick(names.first)} ${pick(names.last)}`,
  };
}
