import { afterEach, describe, expect, it } from 'vitest';
import { AdaptiveBatchSize } from '../../src/sync/step/batch-size.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('the adaptive batch size', () => {
  it('halves after slow answers down to a floor, and grows back to BATCH_SIZE after fast ones', () => {
    const size = new AdaptiveBatchSize(2000, 1000);
    expect(size.current).toBe(2000);
    size.observe(2000, 2500);
    expect(size.current).toBe(1000);
    for (let i = 0; i < 20; i++) size.observe(size.current, 5000);
    expect(size.current).toBe(size.min);
    expect(size.min).toBe(50);
    size.observe(size.current, 1500); // within the target band: unchanged
    expect(size.current).toBe(50);
    for (let i = 0; i < 20; i++) size.observe(size.current, 100);
    expect(size.current).toBe(2000);
  });

  describe('in a sync', () => {
    let harness: SyncHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('asks for smaller batches from a slow server and still loads everything', async () => {
      harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 51, latencyMs: 60 }, settings: { BATCH_SIZE: 400, BATCH_TARGET: 20, FULL_SYNC_CONCURRENCY: 1 } });
      const report = await harness.sync({ entities: ['fact_sales_lines'], full: true });
      expect(report.run.status).toBe('succeeded');
      const step = report.steps.find((s) => s.entity === 'fact_sales_lines')!;
      // At 400 records a call this would be a handful of batches; the slow answers cut them to the floor (20).
      expect(step.batches).toBeGreaterThan(Math.ceil(step.read / 400) * 3);
      expect(await compareWithSimulator(harness, ['fact_sales_lines'])).toEqual([]);
    });
  });
});
