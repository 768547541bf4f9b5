// Edges point down (ARCHITECTURE.md, "Layers"): the engine and the layers under it never import the layers
// that use them, and another package's internals are touched only by its adapter in src/db.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The repository paths a file imports (relative imports only, resolved). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/\bfrom '(\.{1,2}\/[^']+)'/g)].map((m) => path.join(path.dirname(file), m[1]!));
}

const LOWER = ['src/sync', 'src/entities', 'src/odoo', 'src/db', 'src/history'];
const UPPER = ['src/ops', 'src/worker', 'tasks', 'cli', 'src/metrics', 'src/sim'];

describe('edges point down', () => {
  it.each(LOWER)('%s imports nothing from the layers above it', (layer) => {
    const upward = sourceFiles(layer).flatMap((file) =>
      importsOf(file).filter((target) => UPPER.some((upper) => target.startsWith(`${upper}/`))).map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('src/worker imports nothing from src/ops or cli', () => {
    const upward = sourceFiles('src/worker').flatMap((file) =>
      importsOf(file).filter((t) => t.startsWith('src/ops/') || t.startsWith('cli/')).map((t) => `${file} → ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it("only src/sync/step/life.ts moves a step: calls the run engine's step functions or sets a step's status", () => {
    const all = ['src', 'tasks', 'cli'].flatMap(sourceFiles);
    // Code, not comments: a call with its opening parenthesis, or an update setting etl.run_entity's status.
    const moves = /\betl\.(finish_step|continue_step|queue_step|end_run|settle_ended_runs)\(|update etl\.run_entity\b[^`]*\bset status\b/;
    expect(all.filter((file) => moves.test(readFileSync(path.join(root, file), 'utf8')))).toEqual(['src/sync/step/life.ts']);
  });

  it("only the adapters touch graphile-migrate's and graphile-worker's internals", () => {
    const all = ['src', 'tasks', 'cli'].flatMap(sourceFiles);
    const touching = (pattern: RegExp) => all.filter((file) => pattern.test(readFileSync(path.join(root, file), 'utf8')));
    expect(touching(/graphile_migrate\.|graphile-migrate\/dist/)).toEqual(['src/db/graphile-migrate-internals.ts']);
    expect(touching(/graphile_worker\._private|graphile-worker\/dist/)).toEqual(['src/db/graphile-worker-internals.ts']);
  });
});
