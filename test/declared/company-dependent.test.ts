// A declared column reading a company-dependent field (product.product.standard_price) must say whose
// value it keeps, like a built-in spec: without a choice the table is refused when planned; with `record`
// a company-owned variant carries its own company's cost, with `main` every variant the main company's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { fieldsGetThrough } from '../../src/declared/ddl.ts';
import { parseDeclarations } from '../../src/declared/load.ts';
import { toEntitySpec, useDeclarations } from '../../src/declared/to-spec.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { CompanyDependentColumnError, planSource } from '../../src/entities/index.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const MAIN = 2;
const SECOND = 1;
const OWNER = 3;

const declaration = (record: string, main: string) => `
tables:
  - name: x_variant_costs
    model: product.product
    columns:
      default_code: text
      standard_price: { type: numeric${record} }
  - name: x_variant_costs_main
    model: product.product
    columns:
      standard_price: { type: numeric${main} }
`;

describe('company-dependent fields in declared tables (Odoo 17)', () => {
  let h: SyncHarness;
  let shared: number;
  let owned: number;
  beforeAll(async () => {
    h = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 } });
    h.sim.setUserCompany('admin', MAIN);
    const sharedTemplate = h.sim.create('product.template', { name: 'Shared Cost Item', company_id: false });
    shared = h.sim.create('product.product', { product_tmpl_id: sharedTemplate, standard_price: 8.0, default_code: 'SHARED' }, { company: MAIN });
    h.sim.write('product.product', [shared], { standard_price: 5.0 }, { company: SECOND });
    const ownedTemplate = h.sim.create('product.template', { name: 'Branch Cost Item', company_id: OWNER });
    owned = h.sim.create('product.product', { product_tmpl_id: ownedTemplate, standard_price: 8.0, default_code: 'OWNED', company_id: OWNER }, { company: MAIN });
    h.sim.write('product.product', [owned], { standard_price: 3.5 }, { company: OWNER });
  });
  afterAll(async () => {
    useDeclarations([]);
    await h?.close();
  });

  it('a company-dependent field without a choice is refused when the table is planned', async () => {
    const table = parseDeclarations(declaration('', ''), 'tables.yaml').tables[0]!;
    const spec = toEntitySpec(table);
    const fields = await h.odoo.fieldsGet('product.product');
    expect(() => planSource(spec, spec.sources[0]!, '17.0', fields)).toThrow(CompanyDependentColumnError);
    expect(() => planSource(spec, spec.sources[0]!, '17.0', fields)).toThrow('x_variant_costs: column standard_price reads product.product.standard_price, company-dependent on Odoo 17.0');
  });

  it('record keeps the owning company\'s value, main the main company\'s', async () => {
    useDeclarations(parseDeclarations(declaration(', companyDependent: record', ', companyDependent: main'), 'tables.yaml').tables);
    await migrateDatabase(h.db.url, undefined, { fieldsGetOf: fieldsGetThrough(h.odoo) });
    const report = await h.sync({ entities: ['x_variant_costs', 'x_variant_costs_main'] });
    expect(report.run.status).toBe('succeeded');
    const cost = (table: string, id: number) =>
      h.db.pool.oneFirst(sql.type(z.object({ c: z.number() }))`select standard_price::float8 as c from ${sql.identifier([table])} where odoo_id = ${id}`);
    expect(await cost('x_variant_costs', shared)).toBe(8);
    expect(await cost('x_variant_costs', owned)).toBe(3.5);
    expect(await cost('x_variant_costs_main', shared)).toBe(8);
    expect(await cost('x_variant_costs_main', owned)).toBe(8);
  });
});
