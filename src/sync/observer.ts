/**
 * What the sync engine tells an observer (the worker's metrics) as it happens: each committed batch,
 * each step settled and the run it closed, each reconciliation. Told only after the commit, and only
 * by the process that did the work, so that several workers add up to the truth.
 */
import type { SettledStep } from './step/life.ts';
import type { LoadCounters } from './step-counters.ts';

export interface BatchCommitted extends LoadCounters {
  entity: string;
  /** The Odoo source ('' for an entity with one source). */
  source: string;
}

export interface SyncObserver {
  batchCommitted(batch: BatchCommitted): void;
  stepSettled(step: SettledStep): void;
  reconciled(result: { entity: string; source: string; deleted: number; restored: number }): void;
}
