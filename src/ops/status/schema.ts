/**
 * The shape of `odoo-etl status --json` (a public interface: scripts and health checks read it). A new
 * per-entity fact (e.g. webhook freshness) is one more optional field of entityStatusSchema.
 */
import { z } from 'zod';
import { loadCountersShape } from '../../sync/step-counters.ts';

export const iso = z.string().nullable();

/** A run step's counts, as etl.run_entity holds them (the same names in the query rows and the output). */
export const stepCounts = loadCountersShape;

export const jobSchema = z.object({
  id: z.number(),
  task: z.string(),
  entity: z.string().nullable(),
  /** running: a worker holds it; waiting: not tried yet; retrying: failed, tried again at runAt; failed: out of attempts. */
  state: z.enum(['running', 'waiting', 'retrying', 'failed']),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  runAt: z.string(),
  lockedBy: z.string().nullable(),
});

export const entityStatusSchema = z.object({
  entity: z.string(),
  kind: z.enum(['dimension', 'fact']),
  sync: z.enum(['incremental', 'snapshot', 'derived']),
  /** ok | stale (older than FRESHNESS) | failed (last run failed) | running | never (no success yet) |
   *  blocked (last run skipped it because a dependency failed) | absent (optional model not on the server) */
  state: z.enum(['ok', 'stale', 'failed', 'running', 'never', 'blocked', 'absent']),
  lastSuccessAt: iso,
  lagSeconds: z.number().nullable(),
  watermarks: z.array(z.object({ source: z.string(), highWriteDate: iso, fullDoneAt: iso, inProgressRunId: z.number().nullable() })),
  rows: z.number(),
  /** False when `rows` is pg_class.reltuples (tables above EXACT_COUNT_LIMIT rows). */
  rowsExact: z.boolean(),
  lastRun: z
    .object({
      runId: z.number(),
      status: z.string(),
      mode: z.string().nullable(),
      ...stepCounts,
      startedAt: iso,
      finishedAt: iso,
      error: z.string().nullable(),
      /** Why that run read the table in full although it had synced before (e.g. its columns changed). */
      fullPassReason: z.string().nullable().optional(),
    })
    .nullable(),
  jobs: z.array(jobSchema),
  openMissing: z.number(),
  /** Freshness from Odoo's webhooks (Odoo 17+, `worker --webhook-port`), beside the schedule's lag above;
   *  null until a notification arrived for one of the entity's models. */
  webhook: z
    .object({ lastNotificationAt: iso, lastAppliedAt: iso, lagSeconds: z.number().nullable(), pending: z.number() })
    .nullable()
    .optional(),
  /** Declared tables only (README "Your own tables"): what `migrate` last did to it, from etl.declared_change:
   *  created, column added, column kept though no longer declared, or a type change refused. */
  lastMigrate: z
    .object({ action: z.enum(['create_table', 'add_column', 'column_kept', 'type_refused']), column: z.string().nullable(), detail: z.string().nullable(), at: z.string() })
    .optional(),
  /** Tables whose history was ever kept (HISTORY, README "History"): whether it is kept now, and the versions in
   *  <table>_history (`versionsExact` false: the planner's estimate). Absent: no history. */
  history: z.object({ on: z.boolean(), versions: z.number(), versionsExact: z.boolean() }).optional(),
  problem: z.string().nullable(),
});

export const statusSchema = z.object({
  generatedAt: z.string(),
  healthy: z.boolean(),
  problems: z.array(z.string()),
  freshnessSeconds: z.number(),
  database: z.string(),
  odoo: z.object({ url: z.string().nullable(), db: z.string().nullable(), username: z.string().nullable(), transport: z.string() }),
  schedule: z.array(
    z.object({ identifier: z.string(), task: z.string(), expression: z.string(), next: z.array(z.string()), lastExecution: iso }),
  ),
  workers: z.array(z.object({ workerId: z.string(), process: z.string(), lastSeen: z.string(), alive: z.boolean() })),
  lastRun: z
    .object({ id: z.number(), trigger: z.string(), status: z.string(), createdAt: z.string(), finishedAt: iso, error: z.string().nullable() })
    .nullable(),
  entities: z.array(entityStatusSchema),
  /** Jobs not tied to an entity (scheduled run starts, reconcile). */
  otherJobs: z.array(jobSchema),
  openMissing: z.number(),
});

export type Status = z.infer<typeof statusSchema>;
export type EntityStatus = z.infer<typeof entityStatusSchema>;
export type Job = z.infer<typeof jobSchema>;
