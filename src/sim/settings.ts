// The simulator's runtime knobs, one row each: its default, what it means, how a value is checked. They are
// set at start (SimulatorOptions), in process (`sim.configure({...})`) or over HTTP (`POST /__sim/configure`
// with `[{...}]`), and read live by the server on every call. A new knob is one row here plus its field in
// SimSettings; `settings()` and `configure()` then carry it without more code.

export interface SimSettings {
  /** Added delay per call, in ms, spent inside the call's worker (as a slow Odoo would). */
  latencyMs: number;
  /**
   * How many calls are served at once, the others waiting in arrival order, as Odoo's prefork server
   * (`--workers n`) serves one request per worker process. 0, the default, sets no limit: every call's
   * latency overlaps the others' and only the (short) compute is one after the other, on Node's one thread.
   */
  workers: number;
  /**
   * Added time per record of an answer (search_read, read), in µs, spent inside the call's worker after
   * latencyMs: with it and workers 1, calls cost as a real server's do (a fixed cost plus one per record,
   * one call at a time, as Odoo with workers = 0 serving one client).
   */
  perRecordUs: number;
}

interface SettingRow<T> {
  default: T;
  describe: string;
  check(value: unknown): T;
}

function nonNegativeInteger(name: string): (value: unknown) => number {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    return value;
  };
}

export const SETTINGS: { [K in keyof SimSettings]: SettingRow<SimSettings[K]> } = {
  latencyMs: { default: 0, describe: 'added delay per call (ms), inside the call’s worker', check: nonNegativeInteger('latencyMs') },
  workers: { default: 0, describe: 'calls served at once, the rest queued in arrival order (Odoo --workers); 0 = no limit', check: nonNegativeInteger('workers') },
  perRecordUs: { default: 0, describe: 'added time per record of an answer (µs), inside the call’s worker', check: nonNegativeInteger('perRecordUs') },
};

/** Checks a partial set of settings against the table; unknown names and bad values throw. */
export function checkSettings(patch: Record<string, unknown>): Partial<SimSettings> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const row = (SETTINGS as Record<string, SettingRow<unknown>>)[name];
    if (!row) throw new Error(`unknown setting ${name} (known: ${Object.keys(SETTINGS).join(', ')})`);
    out[name] = row.check(value);
  }
  return out as Partial<SimSettings>;
}

export function defaultSettings(): SimSettings {
  return Object.fromEntries(Object.entries(SETTINGS).map(([name, row]) => [name, row.default])) as unknown as SimSettings;
}
