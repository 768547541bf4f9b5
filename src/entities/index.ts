/**
 * The registry of entity specs: every mirrored table, in an order where each entity comes after the ones
 * it depends on (non-cyclic references), so a run can start dimensions before the facts that need them.
 */
import { allSales } from './all_sales.ts';
import { dimBranches } from './dim_branches.ts';
import { dimBranchesBranchRef } from './dim_branches_branch_ref.ts';
import { dimBrands } from './dim_brands.ts';
import { dimCategories } from './dim_categories.ts';
import { dimCustomers } from './dim_customers.ts';
import { dimDepartments } from './dim_departments.ts';
import { dimEmps } from './dim_emps.ts';
import { dimJobs } from './dim_jobs.ts';
import { dimPosCategories } from './dim_pos_categories.ts';
import { dimProducts } from './dim_products.ts';
import { dimProductCosts } from './dim_product_costs.ts';
import { dimProductsProduct } from './dim_products_product.ts';
import { dimPromotionTypes } from './dim_promotion_types.ts';
import { dimPromotions } from './dim_promotions.ts';
import { dimPurchases } from './dim_purchases.ts';
import { dimStockPickingType } from './dim_stock_picking_type.ts';
import { dimTeams } from './dim_teams.ts';
import { dimUsers } from './dim_users.ts';
import { dimWorkLocations } from './dim_work_locations.ts';
import { factPurchases } from './fact_purchases.ts';
import { factSalesLines } from './fact_sales_lines.ts';
import { factStock } from './fact_stock.ts';
import { factStockLocations } from './fact_stock_locations.ts';
import { factStockMoves } from './fact_stock_moves.ts';
import { factWarehouse } from './fact_warehouse.ts';
import { dimAccountCodes } from './dim_account_codes.ts';
import { dimAccounts } from './dim_accounts.ts';
import { dimCurrencies } from './dim_currencies.ts';
import { dimJournals } from './dim_journals.ts';
import { dimTaxes } from './dim_taxes.ts';
import { factCurrencyRates } from './fact_currency_rates.ts';
import { factInvoices } from './fact_invoices.ts';
import { factJournalItems } from './fact_journal_items.ts';
import type { Entity, EntitySpec } from './types.ts';

export * from './types.ts';
export * from './plan.ts';

const specs: EntitySpec[] = [
  dimBranches,
  dimBranchesBranchRef,
  dimCategories,
  dimBrands,
  dimPosCategories,
  dimProducts,
  dimProductsProduct,
  dimProductCosts,
  dimDepartments,
  dimWorkLocations,
  dimJobs,
  dimEmps,
  dimUsers,
  dimTeams,
  dimCustomers,
  dimPromotions,
  dimPromotionTypes,
  dimPurchases,
  dimStockPickingType,
  factWarehouse,
  factStockLocations,
  factStock,
  factStockMoves,
  allSales,
  factSalesLines,
  factPurchases,
  // finance (src/entities/dim_accounts.ts … fact_journal_items.ts)
  dimCurrencies,
  factCurrencyRates,
  dimAccounts,
  dimAccountCodes,
  dimJournals,
  dimTaxes,
  factInvoices,
  factJournalItems,
];

/** Tables a spec's non-cyclic references point at (itself excluded), sorted. */
export function dependenciesOf(spec: EntitySpec): string[] {
  const deps = new Set<string>();
  for (const source of spec.sources) {
    for (const column of source.columns) {
      if (column.references && !column.cyclic && column.references !== spec.table) deps.add(column.references);
    }
  }
  return [...deps].sort();
}

/** Kahn's algorithm, ties broken by declaration order so the order is stable. Throws on a cycle. */
export function topologicalOrder(all: EntitySpec[]): Entity[] {
  const byTable = new Map(all.map((spec) => [spec.table, { ...spec, dependsOn: dependenciesOf(spec) } as Entity]));
  for (const entity of byTable.values()) {
    const unknown = entity.dependsOn.filter((d) => !byTable.has(d));
    if (unknown.length > 0) throw new Error(`${entity.table} references unknown entit${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}`);
  }
  const done = new Set<string>();
  const ordered: Entity[] = [];
  while (ordered.length < byTable.size) {
    const next = [...byTable.values()].find((e) => !done.has(e.table) && e.dependsOn.every((d) => done.has(d)));
    if (!next) {
      const left = [...byTable.keys()].filter((t) => !done.has(t));
      throw new Error(`entity references form a cycle among ${left.join(', ')}: mark one reference cyclic`);
    }
    done.add(next.table);
    ordered.push(next);
  }
  return ordered;
}

/** Every entity, dependencies first. */
export const entities: Entity[] = topologicalOrder(specs);

const byName = new Map(entities.map((e) => [e.table, e]));
const builtInTables = new Set(specs.map((s) => s.table));

/** Is this one of the tables odoo-etl ships (not a user-declared one)? */
export function isBuiltIn(table: string): boolean {
  return builtInTables.has(table);
}

/**
 * Sets the user-declared tables (src/declared turns a declaration file into specs) beside the built-in
 * ones: the registry is rebuilt in place, so every importer of `entities` sees them and nothing in the
 * engine tells them apart. Replaces any tables registered before.
 */
export function registerDeclaredEntities(declared: EntitySpec[]): void {
  const clash = declared.filter((spec) => builtInTables.has(spec.table));
  if (clash.length > 0) throw new Error(`declared tables may not reuse built-in names: ${clash.map((s) => s.table).join(', ')}`);
  const all = topologicalOrder([...specs, ...declared]);
  entities.splice(0, entities.length, ...all);
  byName.clear();
  for (const entity of all) byName.set(entity.table, entity);
}

/** Table names, dependencies first. */
export function entityNames(): string[] {
  return entities.map((e) => e.table);
}

export function findEntity(table: string): Entity | undefined {
  return byName.get(table);
}

export function getEntity(table: string): Entity {
  const entity = byName.get(table);
  if (!entity) throw new Error(`unknown entity ${table}; valid entities: ${entityNames().join(', ')}`);
  return entity;
}
