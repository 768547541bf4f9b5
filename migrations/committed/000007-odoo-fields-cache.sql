--! Previous: sha1:8d7f3211709333647d587e90127fe6da747fc73c
--! Hash: sha1:9f38f1b0f78510cc49a0b7fea1d32a5977ba242f
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
