-- Webhook notifications (src/webhooks): applied on every `odoo-etl migrate` after the migrations, like
-- the other files of this folder. Tables: migrations/committed/000006-webhooks.sql.

-- Enqueues the model's `sync_records` job at `p_run_at`, or earlier. The job key coalesces: while a job of
-- the model waits, later notifications join it and keep its run_at (preserve_run_at), so a burst of 10k
-- POSTs is one job that starts a settle delay after the first; a waiting job due later than asked (a job
-- queued for a second look 10 × the settle delay on) is brought forward. A notification that arrives while
-- the job runs makes a new job (graphile-worker gives a locked job's key to a new one). The queue runs a
-- model's jobs one at a time: two jobs never read and load the same pending ids at once.
create or replace function etl.webhook_enqueue(p_model text, p_run_at timestamptz, p_settle_ms integer) returns void
language plpgsql volatile as $$
declare
  v_id bigint;
  v_run_at timestamptz;
begin
  select j.id, j.run_at into v_id, v_run_at
    from graphile_worker.add_job(
      'sync_records',
      json_build_object('model', p_model, 'settleMs', p_settle_ms),
      queue_name => 'webhook:' || p_model,
      run_at => p_run_at,
      job_key => 'webhook:' || p_model,
      job_key_mode => 'preserve_run_at') j;
  if v_run_at > p_run_at then
    perform graphile_worker.reschedule_jobs(array[v_id], run_at => p_run_at);
  end if;
end;
$$;

-- How much later than the first look the second look reads a record (a multiple of the settle delay).
create or replace function etl.webhook_recheck_factor() returns integer language sql immutable as $$ select 10 $$;

-- One notification: the record joins its model's pending set (a duplicate moves last_received_at and asks
-- for a new first look), the model's freshness notes it, and the model's job is enqueued — one round trip
-- for the receiver. Odoo posts from inside the writing transaction, before it commits: the first look is
-- `p_settle_ms` later. A record notified over and over is still read at the latest a recheck period after
-- its first notification, however often the notifications push its settle delay.
create or replace function etl.webhook_notify(p_model text, p_id integer, p_settle_ms integer) returns void
language plpgsql volatile as $$
declare
  v_settle interval := make_interval(secs => p_settle_ms / 1000.0);
begin
  insert into etl.webhook_pending as p (model, odoo_id, next_read_at) values (p_model, p_id, now() + v_settle)
  on conflict (model, odoo_id) do update
    set last_received_at = now(), notifications = p.notifications + 1, looks = 0, looked_at = null,
        next_read_at = least(now() + v_settle, p.first_received_at + v_settle * etl.webhook_recheck_factor());
  insert into etl.webhook_freshness as f (model, last_received_at, received) values (p_model, now(), 1)
  on conflict (model) do update
    set last_received_at = greatest(f.last_received_at, now()), received = f.received + 1;
  perform etl.webhook_enqueue(p_model, now() + v_settle, p_settle_ms);
end;
$$;
