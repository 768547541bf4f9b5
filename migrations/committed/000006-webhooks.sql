--! Previous: sha1:ebc516cbc2cfe786e3a45123563bab2f3c3b1436
--! Hash: sha1:e0452673f0010d1fef3555245b506c78478896ad
--! Message: webhooks: pending notifications (coalesced per record) and per-model freshness

-- Odoo's webhook notifications not yet applied, one row per record however many times it was notified
-- (Odoo may send duplicates; a bulk write sends one POST per record). The receiver inserts here and
-- enqueues the model's `sync_records` job in one statement (etl.webhook_notify); the job reads the ids,
-- upserts them and deletes the rows it applied, in one transaction.
create table if not exists etl.webhook_pending (
  model text not null,
  odoo_id integer not null,
  first_received_at timestamptz not null default now(),
  last_received_at timestamptz not null default now(),
  notifications integer not null default 1,
  primary key (model, odoo_id)
);
-- The job takes the oldest settled notifications of its model first.
create index if not exists webhook_pending_model_received_idx on etl.webhook_pending (model, last_received_at);

-- Per Odoo model: when webhooks last told us something and when a job last applied it, for `status`.
-- last_lag is the time from the first notification of the last applied batch's oldest record to its commit.
create table if not exists etl.webhook_freshness (
  model text primary key,
  last_received_at timestamptz,
  last_applied_at timestamptz,
  last_lag interval,
  received integer not null default 0,
  applied integer not null default 0
);
