// A declaration file's mistakes are reported with the file, the line, the table and the key; a good one
// becomes an ordinary entity spec in the registry.
import { describe, expect, it } from 'vitest';
import { DeclarationError, parseDeclarations } from '../../src/declared/load.ts';
import { toEntitySpec } from '../../src/declared/to-spec.ts';

function problemOf(text: string): string {
  try {
    parseDeclarations(text, 'tables.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(DeclarationError);
    return (error as Error).message;
  }
  throw new Error('the declaration was accepted');
}

const GOOD = `tables:
  - name: x_delivery_slots
    model: x_delivery_slot
    domain: [["x_state", "=", "open"]]
    history: true
    columns:
      x_name: text
      x_partner_id: { references: dim_customers }
      x_product_id:
        references: dim_products_product
      x_quantity:
`;

describe('declaration file', () => {
  it('a good declaration becomes an entity spec with defaults filled in', () => {
    const file = parseDeclarations(GOOD, 'tables.yaml');
    expect(file.tables).toHaveLength(1);
    const spec = toEntitySpec(file.tables[0]!);
    expect(spec).toEqual({
      table: 'x_delivery_slots',
      kind: 'dimension',
      sync: 'incremental',
      key: ['odoo_id'],
      active: false,
      sources: [{
        model: 'x_delivery_slot',
        domain: [['x_state', '=', 'open']],
        columns: [
          { column: 'x_name', type: 'text', field: 'x_name', required: true },
          { column: 'x_partner_id', type: 'integer', field: 'x_partner_id', required: true, references: 'dim_customers' },
          { column: 'x_product_id', type: 'integer', field: 'x_product_id', required: true, references: 'dim_products_product' },
          { column: 'x_quantity', type: 'text', field: 'x_quantity', required: true },
        ],
      }],
    });
    expect(file.tables[0]!.history).toBe(true);
    expect(file.tables[0]!.columns.x_quantity!.type).toBeUndefined();
  });

  it('JSON is accepted too, with lines', () => {
    const json = '{\n  "tables": [\n    {\n      "name": "x_a",\n      "model": "res.partner",\n      "colums": {}\n    }\n  ]\n}\n';
    expect(problemOf(json)).toBe(`tables.yaml:3: table x_a, columns: Required\ntables.yaml:6: table x_a, colums: unknown key`);
  });

  it('a name without the reserved prefix', () => {
    expect(problemOf('tables:\n  - name: pickings\n    model: stock.picking\n    columns: { name: text }\n')).toBe(
      'tables.yaml:2: table pickings, name: must start with "x_" then lower-case letters, digits or _ (the prefix keeps declared tables apart from built-in ones)',
    );
  });

  it('an unknown type names the column and its line', () => {
    const text = 'tables:\n  - name: x_p\n    model: stock.picking\n    columns:\n      name: text\n      scheduled_date: { type: datetime }\n';
    expect(problemOf(text)).toContain("tables.yaml:6: table x_p, columns.scheduled_date.type: Invalid enum value. Expected 'text' | 'integer'");
  });

  it('a reference to a table that does not exist', () => {
    const text = 'tables:\n  - name: x_p\n    model: stock.picking\n    columns:\n      partner_id:\n        references: dim_partners\n';
    expect(problemOf(text)).toBe(
      'tables.yaml:6: table x_p, columns.partner_id.references: unknown table dim_partners: name a built-in table (e.g. dim_customers, dim_products_product) or a declared one',
    );
  });

  it('a reference to a table not keyed by one Odoo id', () => {
    const text = 'tables:\n  - name: x_p\n    model: stock.picking\n    columns:\n      sale_id: { references: all_sales }\n';
    expect(problemOf(text)).toBe('tables.yaml:5: table x_p, columns.sale_id.references: all_sales is keyed by (source, odoo_id), not by one Odoo id: it cannot be referenced');
  });

  it('a reference typed other than integer', () => {
    const text = 'tables:\n  - name: x_p\n    model: stock.picking\n    columns:\n      partner_id: { references: dim_customers, type: text }\n';
    expect(problemOf(text)).toBe("tables.yaml:5: table x_p, columns.partner_id.type: a reference is an integer column (the referenced record's id), not text");
  });

  it('a table declared twice, and a reserved column', () => {
    const text = 'tables:\n  - name: x_p\n    model: stock.picking\n    columns: { name: text }\n  - name: x_p\n    model: stock.move\n    columns:\n      write_date: timestamptz\n';
    const message = problemOf(text);
    expect(message).toContain('tables.yaml:5: table x_p, name: x_p is declared twice');
    expect(message).toContain('tables.yaml:8: table x_p, columns.write_date: write_date is a column every table has');
  });

  it('a bad sync mode, a bad domain, a bad history value, an unknown key', () => {
    const text = [
      'tables:',
      '  - name: x_p',
      '    model: stock.picking',
      '    sync: hourly',
      '    domain: [["state"]]',
      '    history: sometimes',
      '    colour: red',
      '    columns: { name: text }',
    ].join('\n');
    const message = problemOf(text);
    expect(message).toContain("tables.yaml:4: table x_p, sync: Invalid enum value. Expected 'incremental' | 'snapshot', received 'hourly'");
    expect(message).toContain("tables.yaml:5: table x_p, domain.0: a domain item is '&', '|', '!' or [field, operator, value]");
    expect(message).toContain('tables.yaml:6: table x_p, history: Expected boolean, received string');
    expect(message).toContain('tables.yaml:7: table x_p, colour: unknown key');
  });

  it('a table without a name, a missing model, no columns', () => {
    const message = problemOf('tables:\n  - model: stock.picking\n    columns: {}\n  - name: x_q\n    columns: { a: text }\n');
    expect(message).toContain('tables.yaml:2: table #1, name: Required');
    expect(message).toContain('tables.yaml:3: table #1, columns: declare at least one column');
    expect(message).toContain('tables.yaml:4: table x_q, model: Required');
  });

  it('references between declared tables that form a cycle, unless one is marked cyclic', () => {
    const tables = (cyclic: string) => [
      'tables:',
      '  - name: x_a',
      '    model: x_a',
      '    columns: { b_id: { references: x_b } }',
      '  - name: x_b',
      '    model: x_b',
      `    columns: { a_id: { references: x_a${cyclic} } }`,
    ].join('\n');
    expect(problemOf(tables(''))).toBe('tables.yaml:2: tables: entity references form a cycle among x_a, x_b: mark one of those references "cyclic: true"');
    const spec = toEntitySpec(parseDeclarations(tables(', cyclic: true'), 'tables.yaml').tables[1]!);
    expect(spec.sources[0]!.columns[0]).toEqual({ column: 'a_id', type: 'integer', field: 'a_id', required: true, references: 'x_a', cyclic: true });
  });

  it('a name too long, a bad field name, a bad companyDependent, a bad required', () => {
    const text = [
      'tables:',
      `  - name: x_${'n'.repeat(39)}`,
      '    model: product.product',
      '    columns:',
      '      price: { field: Standard-Price, companyDependent: branch, required: maybe }',
    ].join('\n');
    const message = problemOf(text);
    expect(message).toContain(`tables.yaml:2: table x_${'n'.repeat(39)}, name: at most 40 characters`);
    expect(message).toContain('tables.yaml:5: table x_nnn');
    expect(message).toContain('columns.price.field: an Odoo field name');
    expect(message).toContain("columns.price.companyDependent: Invalid enum value. Expected 'record' | 'main', received 'branch'");
    expect(message).toContain('columns.price.required: Expected boolean, received string');
  });

  it('broken YAML names its line', () => {
    expect(problemOf('tables:\n  - name: x_p\n    model: [stock.picking\n')).toMatch(/^tables\.yaml:4: not valid YAML\/JSON: Flow sequence/);
  });
});
