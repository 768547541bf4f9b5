/** Timing helpers and the shape of one benchmark figure. */

export interface Figure {
  case: string;
  name: string;
  /** The ratio the target is stated in (measured / baseline), when the figure has one. */
  ratio?: number;
  target?: string;
  /** Whether the target holds; undefined for figures without one. */
  met?: boolean;
  /** Absolute numbers for reference (milliseconds, rows per second, calls, MB ...). */
  values: Record<string, number | string>;
  note?: string;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
