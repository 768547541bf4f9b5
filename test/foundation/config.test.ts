import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, SETTING_DEFAULTS } from '../../src/config.ts';
import { DEFAULT_GUARDS } from '../../src/db/pool.ts';

const noFile = '/nonexistent/.env';

describe('configuration', () => {
  it('applies defaults when nothing is set', () => {
    const settings = loadConfig({ env: {}, envFile: noFile });
    expect(settings.BATCH_SIZE).toBe(2000);
    expect(settings.LOOKBACK).toBe(5 * 60_000);
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.ODOO_TRANSPORT).toBe('auto');
    expect(settings.METRICS_PORT).toBeUndefined();
  });

  it('exports the defaults the library uses where no setting is given (api, worker, pool guards)', () => {
    expect(SETTING_DEFAULTS).toEqual(loadConfig({ env: {}, envFile: noFile }));
    expect(SETTING_DEFAULTS.BATCH_TARGET).toBe(3000);
    expect(SETTING_DEFAULTS.WORKER_STALE_AFTER).toBe(60_000);
    expect(SETTING_DEFAULTS.RUN_TIMEOUT).toBe(6 * 3_600_000);
    expect(DEFAULT_GUARDS).toEqual({ statementTimeoutMs: 15 * 60_000, idleInTransactionTimeoutMs: 60_000 });
  });

  it('parses durations with units', () => {
    const settings = loadConfig({ env: { LOOKBACK: '90s', ODOO_TIMEOUT: '2m', FRESHNESS: '3600' }, envFile: noFile });
    expect(settings.LOOKBACK).toBe(90_000);
    expect(settings.ODOO_TIMEOUT).toBe(120_000);
    expect(settings.FRESHNESS).toBe(3_600_000);
  });

  it('lets flags win over the environment, and the environment over .env', async () => {
    const fs = await import('node:fs');
    const file = `/tmp/odoo-etl-config-test-${process.pid}.env`;
    fs.writeFileSync(file, 'BATCH_SIZE=100\nWORKER_CONCURRENCY=3\nODOO_DB=from_file\n');
    try {
      const settings = loadConfig({ env: { BATCH_SIZE: '200', ODOO_DB: 'from_env' }, envFile: file, flags: { BATCH_SIZE: 300 } });
      expect(settings.BATCH_SIZE).toBe(300);
      expect(settings.ODOO_DB).toBe('from_env');
      expect(settings.WORKER_CONCURRENCY).toBe(3);
    } finally {
      fs.rmSync(file);
    }
  });

  it.each([
    ['BATCH_SIZE', 'lots', /BATCH_SIZE must be a whole number/],
    ['BATCH_SIZE', '0', /BATCH_SIZE must be at least 1/],
    ['WORKER_CONCURRENCY', '1000', /WORKER_CONCURRENCY must be at most 64/],
    ['LOOKBACK', 'five minutes', /LOOKBACK "five minutes" is not a duration/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a URL starting with postgres:\/\//],
    ['ODOO_URL', 'odoo.example.com', /ODOO_URL must be a URL starting with http:\/\/ or https:\/\//],
    ['ODOO_TRANSPORT', 'soap', /ODOO_TRANSPORT Invalid enum value/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL Invalid enum value/],
    ['EXTRA_FIELDS', '{not json', /EXTRA_FIELDS must be JSON/],
    ['METRICS_PORT', '70000', /METRICS_PORT must be at most 65535/],
    ['METRICS_PORT', 'http', /METRICS_PORT must be a whole number/],
  ])('rejects %s=%s naming the variable', (variable, value, message) => {
    let caught: unknown;
    try {
      loadConfig({ env: { [variable]: value }, envFile: noFile });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('requires the Odoo connection settings only when a command needs Odoo', () => {
    expect(() => loadConfig({ env: {}, envFile: noFile })).not.toThrow();
    expect(() => loadConfig({ env: {}, envFile: noFile, require: ['odoo'] })).toThrow(/ODOO_URL is required/);
    expect(() =>
      loadConfig({ env: { ODOO_URL: 'http://odoo:8069', ODOO_DB: 'prod', ODOO_USERNAME: 'etl' }, envFile: noFile, require: ['odoo'] }),
    ).toThrow(/ODOO_PASSWORD or ODOO_API_KEY is required/);
  });

  it('never shows secrets in a printable config or in errors', () => {
    const env = {
      DATABASE_URL: 'postgres://etl:db-Secret-123@warehouse:5432/analytics',
      ODOO_URL: 'https://odoo.example.com',
      ODOO_DB: 'prod',
      ODOO_USERNAME: 'etl',
      ODOO_PASSWORD: 'odoo-Secret-456',
      ODOO_API_KEY: 'key-Secret-789',
    };
    const shown = JSON.stringify(describeConfig(loadConfig({ env, envFile: noFile })));
    expect(shown).not.toMatch(/Secret/);
    expect(shown).toContain('postgres://etl:***@warehouse:5432/analytics');
    expect(shown).toContain('"ODOO_PASSWORD":"(set)"');

    // A bad value next to a secret: the error names the variable and shows no secret.
    let message = '';
    try {
      loadConfig({ env: { ...env, DATABASE_URL: 'mysql://etl:db-Secret-123@warehouse/analytics' }, envFile: noFile });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^DATABASE_URL/);
    expect(message).not.toMatch(/Secret/);
  });
});
