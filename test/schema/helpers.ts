/** A pg client on a fresh migrated database (one per test file), for the SQL-level schema tests. */
import pg from 'pg';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

export interface SqlDatabase {
  db: TestDatabase;
  client: pg.Client;
  close(): Promise<void>;
}

export async function openSqlDatabase(): Promise<SqlDatabase> {
  const db = await freshDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    db,
    client,
    async close() {
      await client.end();
      await db.drop();
    },
  };
}

export interface ForeignKey {
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  deferrable: boolean;
}

export async function foreignKeys(client: pg.Client): Promise<ForeignKey[]> {
  const { rows } = await client.query<ForeignKey>(`
    select c.relname as "table", p.relname as "references", con.condeferrable as deferrable,
           array(select a.attname::text from unnest(con.conkey) with ordinality k(n, o)
                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as columns,
           array(select a.attname::text from unnest(con.confkey) with ordinality k(n, o)
                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.o) as "referencedColumns"
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_class p on p.oid = con.confrelid
      join pg_namespace n on n.oid = c.relnamespace
     where con.contype = 'f' and n.nspname = 'public'`);
  return rows;
}

export interface ColumnInfo {
  table: string;
  column: string;
  type: string;
  generated: boolean;
}

export async function publicColumns(client: pg.Client): Promise<ColumnInfo[]> {
  const { rows } = await client.query<ColumnInfo>(`
    select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as type,
           a.attgenerated <> '' as generated
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped`);
  return rows;
}
