/**
 * A step's counters (columns of etl.run_entity), defined once: the zod shapes, the types and the SQL column
 * lists of the step commit, the run report, `status` and the observer all derive from these two lists. A new
 * counter is one name here and its column in a migration.
 */
import { sql, type ListSqlToken } from 'slonik';
import { z } from 'zod';

/** What each committed batch adds up, per row (also what the observer and `status` show). */
export const LOAD_COUNTERS = ['read', 'inserted', 'updated', 'unchanged', 'deleted'] as const;
/** Every counter of a step: the load counters, and the batches and Odoo calls it took. */
export const STEP_COUNTERS = [...LOAD_COUNTERS, 'batches', 'calls'] as const;

export type LoadCounter = (typeof LOAD_COUNTERS)[number];
export type StepCounter = (typeof STEP_COUNTERS)[number];

function numbers<K extends string>(names: readonly K[]): { [k in K]: z.ZodNumber } {
  return Object.fromEntries(names.map((name) => [name, z.number()])) as { [k in K]: z.ZodNumber };
}

/** zod fields of the load counters, to spread into a row or output schema. */
export const loadCountersShape = numbers(LOAD_COUNTERS);
export const stepCountersSchema = z.object(numbers(STEP_COUNTERS));
export type LoadCounters = Record<LoadCounter, number>;
export type StepCounters = z.infer<typeof stepCountersSchema>;

/** The load counters of a row that has them (and more). */
export function pickLoadCounters(row: LoadCounters): LoadCounters {
  return Object.fromEntries(LOAD_COUNTERS.map((c) => [c, row[c]])) as LoadCounters;
}

/** The counters' columns, for a select or returning list (`e.read, e.inserted, ...` with an alias). */
export function counterColumns(counters: readonly StepCounter[] = STEP_COUNTERS, alias?: string): ListSqlToken {
  return sql.join(counters.map((c) => sql.identifier(alias ? [alias, c] : [c])), sql.fragment`, `);
}

/** `read = read + $read, ...`: an update's set list adding the given counts to every counter. */
export function addToCounters(add: StepCounters): ListSqlToken {
  return sql.join(STEP_COUNTERS.map((c) => sql.fragment`${sql.identifier([c])} = ${sql.identifier([c])} + ${add[c]}`), sql.fragment`, `);
}

/** `read = $read, ...`: an update's set list setting every counter. */
export function setCounters(values: StepCounters): ListSqlToken {
  return sql.join(STEP_COUNTERS.map((c) => sql.fragment`${sql.identifier([c])} = ${values[c]}`), sql.fragment`, `);
}
