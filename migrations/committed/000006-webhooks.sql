--! Previous: sha1:2f3758e4a1125f7a6bc9dcf7a2e8d372a87d2dcc
--! Hash: sha1:8d7f3211709333647d587e90127fe6da747fc73c
--! Message: webhooks: pending notifications (coalesced per record) and per-model freshness

-- Odoo's webhook notifications not yet applied, one row per record however many times it was notified
-- (Odoo may send duplicates; a bulk write sends one POST per record). The receiver inserts here and
-- enqueues the model's `sync_records` job in one statement (etl.webhook_notify). Odoo posts before its
-- transaction commits, so a record is read twice: a first look `next_read_at` = a settle delay after its
-- last notification once its model's notifications paused for as long (looks = 0), and a second look
-- (looks = 1) for transactions that took longer; the second look deletes the row (src/webhooks/sync-records.ts).
create table if not exists etl.webhook_pending (
  model text not null,
  odoo_id integer not null,
  first_received_at timestamptz not null default now(),
  last_received_at timestamptz not null default now(),
  notifications integer not null default 1,
  next_read_at timestamptz not null default now(),
  looks smallint not null default 0,
  -- when the first look read it (a burst that went on after it asks for the second look once it ends)
  looked_at timestamptz,
  primary key (model, odoo_id)
);
-- The job takes its model's due records, the longest waiting first.
create index if not exists webhook_pending_due_idx on etl.webhook_pending (model, next_read_at);

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
