/**
 * `odoo-etl check`, the Odoo part: settings set, the server answers (version, transport), the login
 * works, then per entity: its models exist, the required fields are there, the API user can read them.
 */
import type { Settings } from '../../config.ts';
import { CompanyDependentColumnError, entities, planSource, seriesOf, MissingFieldError, MissingModelError, type OdooSeries } from '../../entities/index.ts';
import type { Logger } from '../../log.ts';
import { OdooAccessError, OdooAuthError, OdooError, OdooUnknownModelError, type FieldsGetResult, type OdooClient } from '../../odoo/index.ts';
import { userCompanies } from '../../odoo/session.ts';
import { odooClientFromSettings } from '../../sync/context.ts';
import { checkDeclaredTable } from '../../declared/check.ts';
import { currentDeclarations } from '../../declared/to-spec.ts';
import type { CheckResult } from './result.ts';

export async function checkOdoo(options: { settings: Settings; logger: Logger }, add: (r: CheckResult) => void): Promise<void> {
  const { settings } = options;
  const unset = (['ODOO_URL', 'ODOO_DB', 'ODOO_USERNAME'] as const).filter((name) => !settings[name]);
  if (!settings.ODOO_PASSWORD && !settings.ODOO_API_KEY) unset.push('ODOO_API_KEY or ODOO_PASSWORD' as never);
  if (unset.length > 0) {
    add({
      check: 'odoo settings',
      status: 'fail',
      detail: `not set: ${unset.join(', ')}`,
      fix: 'set them in the environment or a .env file (see README: Connecting a real Odoo); `odoo-etl demo` needs none',
    });
    add({ check: 'odoo', status: 'skip', detail: 'no Odoo settings' });
    return;
  }
  add({
    check: 'odoo settings',
    status: 'ok',
    detail: `${settings.ODOO_URL} database "${settings.ODOO_DB}" user "${settings.ODOO_USERNAME}" with ${settings.ODOO_API_KEY ? 'an API key' : 'a password'}`,
  });

  let odoo: OdooClient;
  try {
    odoo = odooClientFromSettings({ ...settings, ODOO_RETRIES: Math.min(settings.ODOO_RETRIES, 1) }, options.logger);
  } catch (error) {
    add({ check: 'odoo', status: 'fail', detail: (error as Error).message, fix: 'ODOO_TRANSPORT=json2 needs ODOO_API_KEY' });
    return;
  }
  try {
    let series: OdooSeries;
    try {
      const version = await odoo.version();
      series = seriesOf(String(version.server_serie));
      const transport = await odoo.transportKind();
      add({
        check: 'odoo server',
        status: 'ok',
        detail: `Odoo ${version.server_version} (series ${series}) at ${settings.ODOO_URL}, transport ${transport === 'json2' ? 'JSON-2' : 'XML-RPC'}`,
      });
    } catch (error) {
      add({
        check: 'odoo server',
        status: 'fail',
        detail: `cannot talk to ${settings.ODOO_URL}: ${(error as Error).message}`,
        fix:
          'check ODOO_URL (scheme, host and port; Odoo Online and Odoo.sh: https://<name>.odoo.com), that this machine reaches it, ' +
          'and ODOO_CA_FILE for a private certificate authority',
      });
      add({ check: 'odoo authentication', status: 'skip', detail: 'Odoo not reachable' });
      return;
    }
    let uid: number;
    try {
      uid = await odoo.authenticate();
      add({ check: 'odoo authentication', status: 'ok', detail: `logged in as "${settings.ODOO_USERNAME}" (uid ${uid}) on database "${settings.ODOO_DB}"` });
    } catch (error) {
      add({
        check: 'odoo authentication',
        status: 'fail',
        detail: error instanceof OdooAuthError ? `Odoo refused the login "${settings.ODOO_USERNAME}" on database "${settings.ODOO_DB}"` : (error as Error).message,
        fix:
          'check ODOO_DB (the database name, not the URL), ODOO_USERNAME (the login, often an e-mail address) and the secret; ' +
          'prefer an API key (Odoo: My Profile → Account Security → New API Key) in ODOO_API_KEY: with two-factor authentication a password does not work',
      });
      add({ check: 'odoo models', status: 'skip', detail: 'not authenticated' });
      return;
    }
    const user = await userContext(odoo, uid);
    const dependent: string[] = [];
    for (const entity of entities) {
      add(await checkEntity(odoo, entity, series, user.context, settings.EXTRA_FIELDS?.[entity.table] ?? [], dependent, user.mainLabel));
    }
    // The user's own tables: their field types and references too (src/declared/check.ts).
    for (const table of currentDeclarations()) add(await checkDeclaredTable(odoo, table, user.context));
    if (dependent.length > 0) {
      add({
        check: 'company-dependent columns',
        status: 'ok',
        detail: `the API user's main company is ${user.mainLabel} (first of its ${user.companies} companies in every read); ${dependent.join('; ')}`,
      });
    }
  } finally {
    odoo.close();
  }
}

/** The sync's reading context (src/odoo/session.ts: every company of the user, the main one first) and how to name the main company. */
async function userContext(odoo: OdooClient, uid: number): Promise<{ context: Record<string, unknown>; mainLabel: string; companies: number }> {
  const fallback = "the API user's company";
  try {
    const user = await userCompanies(odoo, uid);
    const mainLabel = user.companyId !== null && user.companyName !== null ? `"${user.companyName}" (id ${user.companyId})` : fallback;
    return { context: user.context, mainLabel, companies: user.companyIds.length };
  } catch {
    // The entity checks name what the user may not read; the reading context is then the plain one.
    return { context: { active_test: false }, mainLabel: fallback, companies: 0 };
  }
}

/** Whose values a company-dependent column carries, for people. */
function companyReads(reads: 'record' | 'main' | 'row', mainLabel: string): string {
  if (reads === 'record') return `the record's own company (company_id), else ${mainLabel}`;
  if (reads === 'row') return "every company of the API user, one row each (the row's company_id)";
  return mainLabel;
}

/** One line per entity: its models exist, its required fields are there, and the user can read it. */
async function checkEntity(
  odoo: OdooClient,
  entity: (typeof entities)[number],
  series: OdooSeries,
  context: Record<string, unknown>,
  extraFields: string[],
  /** Collects `table.column: whose values` for every company-dependent column read. */
  dependent: string[],
  mainLabel: string,
): Promise<CheckResult> {
  const check = `entity ${entity.table}`;
  const notes: string[] = [];
  const models: string[] = [];
  for (const source of entity.sources) {
    let fields: FieldsGetResult | null;
    try {
      fields = await odoo.fieldsGet(source.model);
    } catch (error) {
      if (error instanceof OdooUnknownModelError) fields = null;
      else return failure(check, source.model, error);
    }
    try {
      const planned = planSource(entity, source, series, fields, extraFields);
      if (planned.status === 'skipped') {
        return { check, status: 'warn', detail: `${planned.reason}: the table stays empty (optional model)`, fix: `install the module providing ${source.model} if you want this table` };
      }
      notes.push(...planned.plan.warnings.map((w) => w.replace(`${entity.table}: `, '')));
      for (const c of planned.plan.companyColumns) {
        dependent.push(`${entity.table}.${c.column}: ${companyReads(c.reads, mainLabel)}`);
      }
    } catch (error) {
      if (error instanceof CompanyDependentColumnError) {
        return { check, status: 'fail', detail: error.message, fix: 'a spec bug: tell the maintainers (the column needs a companyDependent choice)' };
      }
      if (error instanceof MissingModelError) {
        return { check, status: 'fail', detail: error.message, fix: `install the Odoo app/module that provides ${source.model}, or leave ${entity.table} out of the sync (--entity)` };
      }
      if (error instanceof MissingFieldError) {
        return {
          check,
          status: 'fail',
          detail: error.message,
          fix: `install the module that adds ${error.fields.join(', ')} to ${error.model}, or tell the maintainers which Odoo version/edition lacks it`,
        };
      }
      throw error;
    }
    if (source.selectionOf) {
      models.push(`${source.model}.${source.selectionOf}`);
      continue;
    }
    try {
      await odoo.search(source.model, [], { limit: 1, context });
      models.push(source.model);
    } catch (error) {
      return failure(check, source.model, error);
    }
  }
  const unique = [...new Set(notes)];
  return {
    check,
    status: unique.length > 0 ? 'warn' : 'ok',
    detail: `reads ${models.join(', ')}${unique.length > 0 ? `; ${unique.join('; ')}` : ''}`,
    ...(unique.length > 0 ? { fix: 'optional fields absent on this server stay NULL; nothing to do unless you need them' } : {}),
  };
}

function failure(check: string, model: string, error: unknown): CheckResult {
  if (error instanceof OdooAccessError) {
    return {
      check,
      status: 'fail',
      detail: `the API user may not read ${model}: ${error.serverMessage}`,
      fix: `give the API user read access to ${model} (Settings → Users → its groups), or leave the table out of the sync (--entity)`,
    };
  }
  const message = error instanceof OdooError ? error.message : (error as Error).message;
  return { check, status: 'fail', detail: `${model}: ${message}`, fix: 'see the error; run again with --log-level debug for the calls made' };
}
