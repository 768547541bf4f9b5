// The plan knows every company-dependent column (fields_get `company_dependent`, or the spec's own word for
// fields computed from env.company) and how it is read; a column reading such a field without a choice is
// refused at plan time, naming table, column, field and version.
import { describe, expect, it } from 'vitest';
import { col } from '../../src/entities/columns.ts';
import { CompanyDependentColumnError, entities, getEntity, ODOO_SERIES, planSource, type EntitySpec, type OdooSeries } from '../../src/entities/index.ts';
import { loadVersionFile } from '../../src/sim/versions.ts';

const recorded = Object.fromEntries(
  ODOO_SERIES.map((v) => [v, { ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'fields.json'), ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'finance.json'), ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'stock-moves.json') }]),
) as Record<OdooSeries, Record<string, Record<string, unknown>>>;

describe.each(ODOO_SERIES)('company-dependent columns on the recorded Odoo %s', (series) => {
  it('are the costs, each with the company whose value it carries', () => {
    const found: string[] = [];
    for (const entity of entities) {
      for (const source of entity.sources) {
        const planned = planSource(entity, source, series, recorded[series][source.model] ?? null);
        if (planned.status !== 'ok') continue;
        for (const c of planned.plan.companyColumns) found.push(`${entity.table}.${c.column}@${c.reads}`);
      }
    }
    expect(found.sort()).toEqual([
      // the account's code: 16/17 `code` (one company), 18+ the company-dependent `code_store`
      ...(series === '18.0' || series === '19.0' ? ['dim_account_codes.code@row'] : []),
      'dim_accounts.code@main',
      'dim_product_costs.standard_price@row',
      'dim_products.standard_price@record',
      'dim_products_product.standard_price@record',
    ]);
  });

  it("reads the record's company for 'record' columns: company_id is read, the costs are re-read per company", () => {
    const entity = getEntity('dim_products_product');
    const planned = planSource(entity, entity.sources[0]!, series, recorded[series]['product.product']!);
    if (planned.status !== 'ok') throw new Error('not planned');
    expect(planned.plan.fields).toContain('company_id');
    expect(planned.plan.companyFields).toEqual(['standard_price']);
    expect(planned.plan.fieldSet).toContain('standard_price<-standard_price@record');
  });

  it('refuses a company-dependent column without a choice', () => {
    const spec: EntitySpec = {
      table: 'dim_partner_terms', kind: 'dimension', sync: 'incremental', key: ['odoo_id'], active: true,
      sources: [{ model: 'res.partner', columns: [col('name', 'text'), col('property_payment_term_id', 'integer')] }],
    };
    const plan = () => planSource(spec, spec.sources[0]!, series, recorded[series]['res.partner']!);
    expect(plan).toThrow(CompanyDependentColumnError);
    expect(plan).toThrow(`dim_partner_terms: column property_payment_term_id reads res.partner.property_payment_term_id, company-dependent on Odoo ${series}`);
    spec.sources[0]!.columns[1] = col('property_payment_term_id', 'integer', { companyDependent: 'main' });
    const planned = planSource(spec, spec.sources[0]!, series, recorded[series]['res.partner']!);
    expect(planned.status === 'ok' && planned.plan.companyColumns).toEqual([{ column: 'property_payment_term_id', fields: ['property_payment_term_id'], reads: 'main' }]);
  });
});
