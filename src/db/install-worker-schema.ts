/**
 * Installs graphile-worker's schema into the database named by argv[2]. `.gmrc`'s afterReset runs it
 * so `graphile-migrate commit/reset` rebuild the shadow database the way `odoo-etl migrate` builds a real one.
 */
import { installWorkerSchema } from './migrate.ts';

const connectionString = process.argv[2];
if (!connectionString) {
  console.error('usage: install-worker-schema.ts <connection string>');
  process.exit(2);
}
await installWorkerSchema(connectionString);
