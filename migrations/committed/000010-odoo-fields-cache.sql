--! Previous: sha1:3fba667e6689f18e1deb266d94510157a7169c49
--! Hash: sha1:fdb4edcf543ea2c5e02e36e8a0701c3ffe8079fc
--! Message: odoo_fields: each model's fields_get kept across processes, with the fingerprint that invalidates it

-- What fields_get answered for a model (the fields the specs read), kept so that a fresh process need not
-- ask again every run: one call per run reads the fingerprint (ir.model.fields rows of those fields), and
-- only a model whose fingerprint moved is asked again (src/sync/fields-cache.ts).
create table etl.odoo_fields (
  model text primary key,
  -- null: the server has no such model
  fields jsonb,
  fingerprint text not null,
  fetched_at timestamptz not null default now()
);
