// The generated data is part of the simulator's contract (benchmarks and recorded expectations depend on a
// seed and scale meaning the same records): these digests were taken from the generator before it was split
// into src/sim/dataset/*, so a refactoring that changes one byte fails here. A deliberate change of the data
// updates them (and says so in its commit).
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Simulator, type OdooVersion } from '../../src/sim/index.ts';
import { PerCompany } from '../../src/sim/store.ts';

/** sha256 over every served model's raw records (insertion order, company-dependent values included). */
function storeDigest(sim: Simulator): string {
  const h = crypto.createHash('sha256');
  for (const model of sim.models()) h.update(`${model}\n${JSON.stringify(sim.records(model), (_k, v: unknown) => (v instanceof PerCompany ? { PerCompany: v.values } : v))}\n`);
  return h.digest('hex');
}

const CASES: { version: OdooVersion; seed: number; scale: number; withBrand: boolean; digest: string }[] = [
  { version: '16.0', seed: 1, scale: 1, withBrand: false, digest: '46d22612cd9f13ddd3307a2fd865ee4991973c442a404f3428b65152400a7a85' },
  { version: '17.0', seed: 1, scale: 1, withBrand: true, digest: '0b76b8bee273575f63bbfc2889576cffd6fae9b50da61a56878cd90f8f1210cd' },
  { version: '17.0', seed: 7, scale: 3, withBrand: false, digest: '6fad54406848c3603a1be3c722ffde1ce2bb421e2dfe3efb1f93cd0c5164cee5' },
  { version: '18.0', seed: 2, scale: 5, withBrand: false, digest: '7eadb40114dd545c48275a20c6b2b30dc7db463e2551a22092063ceb0a68f9d9' },
  { version: '19.0', seed: 3, scale: 2, withBrand: true, digest: '643cd5a3d65d34abe3d215ef10fffbef03758a6d0f5a3abc0dcaba928533365c' },
];

describe('dataset bytes', () => {
  it.each(CASES)('$version seed $seed scale $scale (brand $withBrand) generates the same records as before', ({ version, seed, scale, withBrand, digest }) => {
    expect(storeDigest(new Simulator({ version, seed, scale, withBrand }))).toBe(digest);
  });
});
