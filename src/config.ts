/**
 * Configuration: one zod schema over environment variables, a `.env` file and command-line flags
 * (flags win over the environment, the environment over `.env`). A bad or missing value becomes a
 * ConfigError naming the variable; the CLI turns that into exit code 2.
 *
 * Secrets (ODOO_PASSWORD, ODOO_API_KEY, the password inside DATABASE_URL) are kept out of every
 * printable form: use `describeConfig()` to show a config, never the object itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parseCronItem } from 'graphile-worker';
import { z } from 'zod';
import { isKnownTimezone } from './entities/business-date.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

/** Durations accept plain seconds ("300") or a unit suffix: ms, s, m, h, d ("5m", "90s"). */
const duration = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value);
    if (!match) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" is not a duration (examples: 300, 90s, 5m, 2h)` });
      return z.NEVER;
    }
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const unitMs = units[match[2] ?? 's'] ?? 1000;
    return Math.round(Number(match[1]) * unitMs);
  });

/**
 * A schedule: checked with graphile-worker's own cron parser (what the worker gives it), so a pattern the
 * worker would refuse at start is refused here, naming the variable.
 */
const cron = z
  .string()
  .trim()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      parseCronItem({ task: 'start_run', match: value, identifier: 'check' });
    } catch (error) {
      const reason = (error as Error).message.replace(/ in parseCronItem call/, '');
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be a cron expression in UTC: 5 fields, minute hour day-of-month month day-of-week (e.g. "*/15 * * * *"); ${reason}`,
      });
    }
  });

const positiveInt = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** Extra Odoo fields per table: JSON `{"dim_products": ["x_studio_brand"]}`; they land in the table's `extra` column. */
const extraFields = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON like {"dim_products": ["x_studio_brand"]}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be an Odoo field name'))));

/** HISTORY's default: the tables whose past matters most (stock, prices and costs, customers' salespeople). */
export const DEFAULT_HISTORY = 'fact_stock,dim_products,dim_products_product,dim_product_costs,dim_customers';

/** HISTORY: `all`, `none`, or a comma list of table names (checked against the registry later, see src/history). */
const historyTables = z
  .string()
  .trim()
  .transform((value, ctx): 'all' | string[] => {
    if (value === 'all') return 'all';
    if (value === 'none') return [];
    const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
    const bad = names.find((n) => !/^[a-z_][a-z0-9_]*$/.test(n));
    if (bad !== undefined || names.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a comma list of table names, \`all\` or \`none\`${bad ? ` ("${bad}" is not a table name)` : ''}` });
      return z.NEVER;
    }
    return [...new Set(names)];
  });

/** Every setting, by its environment variable name. */
export const settingsSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  ODOO_ETL_HOME: z.string().trim().min(1).default('.odoo-etl'),
  EMBEDDED_PG_PORT: positiveInt(0, 65535).default(0),
  /** Server-side guards on every connection, so a stuck statement or transaction cannot hold locks forever (0: off). */
  DB_STATEMENT_TIMEOUT: duration.default('15m'),
  DB_IDLE_IN_TRANSACTION_TIMEOUT: duration.default('1m'),

  ODOO_URL: url(['http:', 'https:']).optional(),
  ODOO_DB: z.string().trim().min(1).optional(),
  ODOO_USERNAME: z.string().trim().min(1).optional(),
  ODOO_PASSWORD: z.string().min(1).optional(),
  ODOO_API_KEY: z.string().min(1).optional(),
  ODOO_TRANSPORT: z.enum(['auto', 'xmlrpc', 'json2']).default('auto'),
  ODOO_TIMEOUT: duration.pipe(z.number().positive('must be more than 0 (each Odoo call waits at most this long; 0 would fail every call)')).default('60s'),
  ODOO_RETRIES: positiveInt(0, 20).default(5),
  ODOO_CA_FILE: z.string().trim().min(1).optional(),

  BATCH_SIZE: positiveInt(1, 50_000).default(2000),
  /** The answer time a batch aims at: slower calls shrink the next batch, faster ones grow it back to BATCH_SIZE. */
  BATCH_TARGET: duration.default('3s'),
  WORKER_CONCURRENCY: positiveInt(1, 64).default(4),
  FULL_SYNC_CONCURRENCY: positiveInt(1, 32).default(4),
  /** A worker whose heartbeat stopped this long ago is taken for dead and its jobs are freed. */
  WORKER_STALE_AFTER: duration.default('60s'),
  LOOKBACK: duration.default('5m'),
  SYNC_SCHEDULE: cron.default('*/15 * * * *'),
  RECONCILE_SCHEDULE: cron.default('0 * * * *'),
  FRESHNESS: duration.default('1h'),
  /** A run still going this long after it started ends failed, its unfinished steps with it (worker housekeeping). */
  RUN_TIMEOUT: duration.default('6h'),
  /** The daily prune deletes finished runs and resolved missing references older than this. */
  RETENTION: duration.default('90d'),
  /**
   * The tables whose row versions are kept (src/history): a comma list, `all`, or `none`. Names are checked
   * against the tables of this installation by resolveHistoryTables (src/history/setting.ts).
   */
  HISTORY: historyTables.default(DEFAULT_HISTORY),
  /** The daily prune deletes history versions that ended longer ago than this; unset: kept forever. */
  HISTORY_RETENTION: duration.pipe(z.number().positive('must be more than 0 (unset keeps history forever)')).optional(),
  EXTRA_FIELDS: extraFields.optional(),
  /** The timezone of business dates (all_sales.business_date) for companies whose partner has no tz; unset: UTC. */
  BUSINESS_TIMEZONE: z
    .string()
    .trim()
    .min(1)
    .refine(isKnownTimezone, 'must be an IANA timezone such as Europe/Brussels or Asia/Bangkok')
    .optional(),
  /** The file declaring the user's own tables (src/declared); unset: odoo-etl.tables.yaml in the working directory, if there. */
  ODOO_ETL_TABLES: z.string().trim().min(1).optional(),

  /** `odoo-etl worker` serves Prometheus metrics and health probes on this port (0: a free one); unset: none. */
  METRICS_PORT: positiveInt(0, 65535).optional(),

  /** `odoo-etl worker` accepts Odoo's webhook POSTs on this port (0: a free one); unset: no receiver. */
  WEBHOOK_PORT: positiveInt(0, 65535).optional(),
  /** The secret path token of the webhook URL (/webhook/<token>); required with WEBHOOK_PORT. */
  WEBHOOK_TOKEN: z
    .string()
    .trim()
    .min(32, 'must be at least 32 characters (a secret path token, e.g. `openssl rand -hex 24`)')
    .regex(/^[A-Za-z0-9._~-]+$/, 'must be URL-safe: letters, digits and . _ ~ -')
    .optional(),
  /** How long after a notification its records are read: Odoo posts before its transaction commits. */
  WEBHOOK_SETTLE: duration.default('2s'),

  /**
   * METRICS_HOST, WEBHOOK_HOST: the interface each listener of `odoo-etl worker` binds to: an IP address
   * (127.0.0.1: this machine only; 0.0.0.0 or ::: every interface) or a host name. Unset: every interface.
   */
  ...((address) => ({ METRICS_HOST: address, WEBHOOK_HOST: address }))(
    z
      .string()
      .trim()
      .refine(
        (v) => z.string().ip().safeParse(v).success || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(v),
        'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name',
      )
      .optional(),
  ),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().trim().min(1).optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Every setting's default: what the schema gives when nothing is set (the one place a default is written). */
export const SETTING_DEFAULTS: Readonly<Settings> = Object.freeze(settingsSchema.parse({}));
export type SettingName = keyof Settings;
export type SettingsInput = Partial<Record<SettingName, string | number | undefined>>;

export const SECRET_SETTINGS: readonly SettingName[] = ['ODOO_PASSWORD', 'ODOO_API_KEY', 'WEBHOOK_TOKEN'];

export interface LoadOptions {
  /** Values from flags; they win over everything else. */
  flags?: SettingsInput;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file to read; defaults to `.env` in the working directory (a missing file is fine). */
  envFile?: string;
  /** Groups of settings this command cannot work without. */
  require?: Array<'odoo'>;
}

export function loadConfig(options: LoadOptions = {}): Settings {
  const env = options.env ?? process.env;
  const fromFile = readEnvFile(options.envFile ?? path.resolve('.env'));
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(settingsSchema.shape) as SettingName[]) {
    const value = options.flags?.[name] ?? env[name] ?? fromFile[name];
    // An empty variable means "not set", as in most twelve-factor tools.
    if (value !== undefined && value !== '') raw[name] = typeof value === 'number' ? String(value) : value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new ConfigError(`${variable} ${issue.message}${describeGiven(variable, raw[variable])}`, variable);
  }
  const settings = parsed.data;
  if (options.require?.includes('odoo')) requireOdoo(settings);
  if (settings.WEBHOOK_PORT !== undefined && !settings.WEBHOOK_TOKEN) {
    throw new ConfigError('WEBHOOK_TOKEN is required with WEBHOOK_PORT (the secret path token of /webhook/<token>, at least 32 characters)', 'WEBHOOK_TOKEN');
  }
  return settings;
}

function requireOdoo(settings: Settings): void {
  for (const name of ['ODOO_URL', 'ODOO_DB', 'ODOO_USERNAME'] as const) {
    if (!settings[name]) throw new ConfigError(`${name} is required to talk to Odoo (set it in the environment or in .env)`, name);
  }
  if (!settings.ODOO_PASSWORD && !settings.ODOO_API_KEY) {
    throw new ConfigError('ODOO_PASSWORD or ODOO_API_KEY is required to talk to Odoo (an API key is recommended)', 'ODOO_PASSWORD');
  }
}

function describeGiven(variable: string, value: unknown): string {
  if (value === undefined) return '';
  if ((SECRET_SETTINGS as readonly string[]).includes(variable)) return '';
  const shown = variable === 'DATABASE_URL' ? redactUrl(String(value)) : String(value);
  return ` (got "${shown}")`;
}

function readEnvFile(file: string): Record<string, string> {
  try {
    return parseDotenv(fs.readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** A URL with its password (and any `password=` query parameter) replaced by `***`. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** The settings as they may be printed or logged: secrets shown only as set / not set. */
export function describeConfig(settings: Settings): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings)) {
    if ((SECRET_SETTINGS as readonly string[]).includes(name)) shown[name] = value ? '(set)' : '(not set)';
    else if (name === 'DATABASE_URL') shown[name] = value ? redactUrl(String(value)) : '(embedded PostgreSQL)';
    else shown[name] = value;
  }
  return shown;
}

/** Strings that must never be printed: used by the logger's and the CLI's last-line scrubbing. */
export function secretValues(settings: Settings): string[] {
  const values = [settings.ODOO_PASSWORD, settings.ODOO_API_KEY, settings.WEBHOOK_TOKEN];
  const logins = [settings.ODOO_USERNAME];
  if (settings.DATABASE_URL) {
    try {
      const url = new URL(settings.DATABASE_URL);
      values.push(decodeURIComponent(url.password));
      logins.push(decodeURIComponent(url.username));
    } catch {
      /* not a URL: nothing to add */
    }
  }
  // A password equal to a login (admin/admin) is no secret from whoever reads the login, and masking it
  // would hide the user name in every message that names it.
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 3 && !logins.includes(value));
}
