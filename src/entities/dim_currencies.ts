import { col } from './columns.ts';
import type { EntitySpec } from './types.ts';

// res.currency (module base: present on every server, unlike the account tables). Archived currencies are
// mirrored too: most of Odoo's currencies are inactive, and old documents may still use one.
export const dimCurrencies: EntitySpec = {
  table: 'dim_currencies',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'res.currency',
      columns: [
        col('name', 'text'),
        col('symbol', 'text'),
        col('full_name', 'text', { required: false }),
        col('rounding', 'numeric'),
        col('decimal_places', 'integer', { required: false }),
        col('position', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
