/**
 * What a declaration's shape cannot say: names unique and apart from the built-in tables, references to
 * tables that exist and are keyed by odoo_id, reserved column names, a reference typed integer.
 */
import { entities, isBuiltIn, topologicalOrder } from '../entities/index.ts';
import { toEntitySpec } from './to-spec.ts';
import { RESERVED_COLUMNS, type DeclarationFile } from './schema.ts';

export interface PathProblem {
  path: Array<string | number>;
  message: string;
}

export function semanticProblems(file: DeclarationFile): PathProblem[] {
  const problems: PathProblem[] = [];
  const declared = new Set<string>();
  file.tables.forEach((table, i) => {
    if (isBuiltIn(table.name)) problems.push({ path: ['tables', i, 'name'], message: `${table.name} is a built-in table` });
    if (declared.has(table.name)) problems.push({ path: ['tables', i, 'name'], message: `${table.name} is declared twice` });
    declared.add(table.name);
  });
  file.tables.forEach((table, i) => {
    for (const [name, column] of Object.entries(table.columns)) {
      const at = ['tables', i, 'columns', name];
      if ((RESERVED_COLUMNS as readonly string[]).includes(name)) {
        problems.push({ path: at, message: `${name} is a column every table has (${RESERVED_COLUMNS.join(', ')}); use "active: true" for the active flag, or another column name` });
      }
      if (column.references === undefined) continue;
      if (column.type !== undefined && column.type !== 'integer') {
        problems.push({ path: [...at, 'type'], message: `a reference is an integer column (the referenced record's id), not ${column.type}` });
      }
      const target = column.references;
      if (declared.has(target)) continue;
      const builtIn = entities.find((e) => e.table === target && isBuiltIn(e.table));
      if (!builtIn) {
        problems.push({ path: [...at, 'references'], message: `unknown table ${target}: name a built-in table (e.g. dim_customers, dim_products_product) or a declared one` });
      } else if (builtIn.key.length !== 1 || builtIn.key[0] !== 'odoo_id') {
        problems.push({ path: [...at, 'references'], message: `${target} is keyed by (${builtIn.key.join(', ')}), not by one Odoo id: it cannot be referenced` });
      }
    }
  });
  if (problems.length === 0) {
    // References between declared tables must leave an order to run them in.
    try {
      topologicalOrder([...entities.filter((e) => isBuiltIn(e.table)), ...file.tables.map(toEntitySpec)]);
    } catch (error) {
      const cycle = (error as Error).message.replace('mark one reference cyclic', 'mark one of those references "cyclic: true"');
      problems.push({ path: ['tables'], message: cycle });
    }
  }
  return problems;
}
