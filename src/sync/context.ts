/**
 * What every sync step needs: the target database, the Odoo client, settings and a logger, plus the
 * Odoo session facts (server series, user, companies), cached for a few minutes, and each model's
 * fields_get, kept across runs (fields-cache.ts) so that steps do not ask again for every batch or run.
 */
import type { DatabasePool } from 'slonik';
import type { Settings } from '../config.ts';
import type { Logger } from '../log.ts';
import { createOdooClient, type FieldsGetResult, type OdooCallObserver, type OdooClient, type OdooContext } from '../odoo/index.ts';
import { userCompanies } from '../odoo/session.ts';
import { FieldsCache, type FieldsAnswer } from './fields-cache.ts';
import type { SyncObserver } from './observer.ts';

export type SyncSettings = Pick<Settings, 'BATCH_SIZE' | 'LOOKBACK' | 'EXTRA_FIELDS' | 'FULL_SYNC_CONCURRENCY'> &
  Partial<Pick<Settings, 'BATCH_TARGET' | 'BUSINESS_TIMEZONE' | 'HISTORY'>>;

export interface OdooSession {
  /** `16.0` … `19.0` (saas versions map to their base series). */
  serie: string;
  uid: number;
  /** The user's companies, the main one (res.users.company_id) first. */
  companyIds: number[];
  /** The user's main company (res.users.company_id): the company whose values shared records' company-dependent fields carry. */
  companyId: number | null;
  /** Read archived records too, across every company of the user, the main company first (env.company). */
  context: OdooContext;
}

/** The session context with `company` as env.company (first of allowed_company_ids), every other company still allowed. */
export function contextForCompany(session: OdooSession, company: number): OdooContext {
  return { ...session.context, allowed_company_ids: [company, ...session.companyIds.filter((c) => c !== company)] };
}

export interface SyncContext {
  pool: DatabasePool;
  odoo: OdooClient;
  settings: SyncSettings;
  logger: Logger;
  /** Told of committed batches and settled steps (the worker's metrics); optional. */
  observer?: SyncObserver;
  session(): Promise<OdooSession>;
  /**
   * The model's fields, or null when the server does not have the model. Kept across runs and processes
   * (fields-cache.ts); `runId`: checked for changes once in that run, else once per few minutes.
   */
  fieldsGet(model: string, runId?: number): Promise<FieldsGetResult | null>;
  /** The same, and whether it cost a fields_get call. */
  fieldsFor(model: string, runId?: number): Promise<FieldsAnswer>;
  /** Drops what is kept of a model's fields (a read found them other than kept): the next run asks Odoo. */
  forgetFields(model: string): Promise<void>;
}
const SESSION_TTL_MS = 10 * 60 * 1000;

export function createSyncContext(options: {
  pool: DatabasePool;
  odoo: OdooClient;
  settings: SyncSettings;
  logger: Logger;
  observer?: SyncObserver;
}): SyncContext {
  let session: { at: number; value: Promise<OdooSession> } | undefined;
  const context: SyncContext = {
    ...options,
    session() {
      // Refreshed now and then: a long-running worker must see a company added to the user.
      if (!session || Date.now() - session.at > SESSION_TTL_MS) {
        const value = openSession(options.odoo).catch((error: unknown) => {
          session = undefined; // let the next step try again
          throw error;
        });
        session = { at: Date.now(), value };
      }
      return session.value;
    },
    fieldsFor(model, runId) {
      return fields.get(model, runId);
    },
    async fieldsGet(model, runId) {
      return (await fields.get(model, runId)).fields;
    },
    forgetFields(model) {
      return fields.forget(model);
    },
  };
  const fields = new FieldsCache({
    pool: options.pool, odoo: options.odoo, logger: options.logger,
    series: async () => (await context.session()).serie,
    extraFields: () => options.settings.EXTRA_FIELDS,
  });
  return context;
}

async function openSession(odoo: OdooClient): Promise<OdooSession> {
  const version = await odoo.version();
  const uid = await odoo.authenticate();
  const { companyIds, companyId, context } = await userCompanies(odoo, uid);
  const major = Number(String(version.server_serie).replace(/^saas~/, '').split('.')[0]);
  return { serie: `${major}.0`, uid, companyIds, companyId, context };
}

/** The Odoo client as the settings describe it. */
export function odooClientFromSettings(settings: Settings, logger: Logger, observer?: OdooCallObserver): OdooClient {
  return createOdooClient({
    url: settings.ODOO_URL!,
    db: settings.ODOO_DB!,
    username: settings.ODOO_USERNAME!,
    password: settings.ODOO_PASSWORD,
    apiKey: settings.ODOO_API_KEY,
    transport: settings.ODOO_TRANSPORT,
    timeoutMs: settings.ODOO_TIMEOUT,
    retries: settings.ODOO_RETRIES,
    caFile: settings.ODOO_CA_FILE,
    logger: logger.child({ component: 'odoo' }),
    observer,
  });
}
