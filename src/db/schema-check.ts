/**
 * Commands other than `migrate` need the schema in place: say so plainly instead of failing on a
 * missing relation halfway through.
 */
import { sql, type DatabasePool } from 'slonik';
import { ConfigError } from '../config.ts';

export async function assertMigrated(pool: DatabasePool): Promise<void> {
  const ready = await pool.oneFirst(
    sql.unsafe`select to_regclass('etl.run') is not null and to_regclass('graphile_worker.jobs') is not null`,
  );
  if (!ready) throw new ConfigError('the target database has no odoo-etl schema yet: run `odoo-etl migrate` first', 'DATABASE_URL');
}
