/**
 * Per entity, how fresh webhooks keep it (for `status`, beside the schedule's lag): the last notification
 * for any of its source models, the last time a `sync_records` job applied some, the lag of that job (first
 * notification of its oldest record → commit) and the notified records still waiting. Null values: no
 * webhook has arrived for the entity (not installed, Odoo 16, or nothing changed).
 */
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { entities } from '../entities/index.ts';
import { modelsOfEntity } from './sources.ts';

export interface WebhookFreshness {
  entity: string;
  lastNotificationAt: string | null;
  lastAppliedAt: string | null;
  /** Seconds from notification to commit in the last applied batch (the slowest of the entity's models). */
  lagSeconds: number | null;
  /** Notified records not read yet (records waiting only for their second look do not count). */
  pending: number;
}

const rowSchema = z.object({
  model: z.string(),
  last_received_at: z.string().nullable(),
  last_applied_at: z.string().nullable(),
  lag_seconds: z.number().nullable(),
  pending: z.number(),
});

export async function webhookFreshness(db: CommonQueryMethods): Promise<WebhookFreshness[]> {
  const rows = await db.any(sql.type(rowSchema)`
    with models as (select model from etl.webhook_freshness union select distinct model from etl.webhook_pending)
    select m.model,
           to_char(f.last_received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_received_at,
           to_char(f.last_applied_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_applied_at,
           extract(epoch from f.last_lag)::float8 as lag_seconds,
           (select count(*) from etl.webhook_pending p where p.model = m.model and p.looks = 0)::int as pending
      from models m left join etl.webhook_freshness f on f.model = m.model`);
  const byModel = new Map(rows.map((r) => [r.model, r]));
  return entities.map((entity) => {
    const own = modelsOfEntity(entity).map((m) => byModel.get(m)).filter((r): r is z.infer<typeof rowSchema> => r !== undefined);
    const latest = (values: Array<string | null>) => values.filter((v): v is string => v !== null).sort().at(-1) ?? null;
    const lags = own.map((r) => r.lag_seconds).filter((v): v is number => v !== null);
    return {
      entity: entity.table,
      lastNotificationAt: latest(own.map((r) => r.last_received_at)),
      lastAppliedAt: latest(own.map((r) => r.last_applied_at)),
      lagSeconds: lags.length > 0 ? Math.max(...lags) : null,
      pending: own.reduce((n, r) => n + r.pending, 0),
    };
  });
}
