import fs from 'node:fs';
import path from 'node:path';
import { Histogram } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createMetrics, type Metrics } from '../../src/metrics/index.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const root = path.resolve(import.meta.dirname, '../..');
const METRIC = /\b(?:odoo_etl|process|nodejs)_[a-z0-9_]+\b/g;

interface Panel {
  id?: number;
  type: string;
  title?: string;
  panels?: Panel[];
  targets?: Array<{ expr: string }>;
}

/** Every panel, those inside rows too. */
function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

describe('the Grafana dashboard and the README name the metrics the worker serves', () => {
  let db: TestDatabase;
  let metrics: Metrics;
  beforeAll(async () => {
    db = await freshDatabase();
    metrics = await createMetrics({ databaseUrl: db.url, staleAfterMs: 60_000, logger: silentLogger });
  });
  afterAll(async () => {
    await metrics?.close();
    await db?.drop();
  });

  /** The registered metric a series name belongs to (a histogram's _bucket, _sum and _count are its own). */
  const registered = (series: string) => {
    const part = /^(.*)_(?:bucket|sum|count)$/.exec(series);
    const histogram = part ? metrics.registry.getSingleMetric(part[1]!) : undefined;
    return metrics.registry.getSingleMetric(series) ?? (histogram instanceof Histogram ? histogram : undefined);
  };
  const ourMetrics = () =>
    metrics.registry
      .getMetricsAsArray()
      .map((m) => (m as unknown as { name: string }).name)
      .filter((name) => name.startsWith('odoo_etl_'));

  it('docs/grafana/odoo-etl.json is a dashboard whose queries use only served metrics, and shows each of ours', () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'docs/grafana/odoo-etl.json'), 'utf8')) as {
      title: string;
      uid: string;
      panels: Panel[];
      templating: { list: Array<{ name: string; definition?: string }> };
    };
    expect(dashboard.title).toBe('odoo-etl');
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);

    const queries = [
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const used = new Set(queries.flatMap((q) => q.match(METRIC) ?? []));
    for (const name of used) expect(registered(name), `${name} is not served`).toBeDefined();
    const shown = new Set([...used].map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of ourMetrics()) expect(shown.has(name) || used.has(name), `${name} is not on the dashboard`).toBe(true);
    // Panels that draw data have queries, and every query uses the chosen Prometheus.
    for (const panel of panels.filter((p) => p.type !== 'row')) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'job', 'entity']));
  });

  it("README's Monitoring section lists exactly the metrics served", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Prometheus metrics'), readme.indexOf('\n## ', readme.indexOf('### Prometheus metrics')));
    expect(section.length).toBeGreaterThan(100);
    const named = new Set(section.match(/\bodoo_etl_[a-z0-9_]+\b/g) ?? []);
    for (const name of named) expect(registered(name), `README names ${name}, which is not served`).toBeDefined();
    for (const name of ourMetrics()) expect(named.has(name), `README does not list ${name}`).toBe(true);
  });
});
