import { col } from './columns.ts';
import type { EntitySpec } from './types.ts';

// Derived from fields_get: the selection values of loyalty.program.program_type (coupons, promotion, ...).
export const dimPromotionTypes: EntitySpec = {
  table: 'dim_promotion_types',
  kind: 'dimension',
  sync: 'derived',
  key: ['code'],
  active: false,
  sources: [
    {
      model: 'loyalty.program',
      selectionOf: 'program_type',
      // fields of the { code, name } pseudo-records selectionRows() makes
      columns: [col('code', 'text'), col('name', 'text')],
    },
  ],
};
