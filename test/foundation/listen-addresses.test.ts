// METRICS_HOST and WEBHOOK_HOST: the addresses the worker's two listeners bind to (issue 18 item 4).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: '/nonexistent/.env' });

describe('listen addresses', () => {
  it('are unset by default (every interface) and take an IPv4, IPv6 address or a host name', () => {
    const defaults = load({});
    expect([defaults.METRICS_HOST, defaults.WEBHOOK_HOST]).toEqual([undefined, undefined]);
    for (const address of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'etl.internal.example.com']) {
      expect(load({ METRICS_HOST: address, WEBHOOK_HOST: ` ${address} ` })).toMatchObject({ METRICS_HOST: address, WEBHOOK_HOST: address });
    }
  });

  it('refuse anything else with a ConfigError naming the variable', () => {
    for (const [name, bad] of [['METRICS_HOST', 'http://127.0.0.1'], ['WEBHOOK_HOST', '127.0.0.1:8787'], ['WEBHOOK_HOST', 'two words']] as const) {
      let error: unknown;
      try {
        load({ [name]: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(name);
      expect((error as Error).message).toContain(`${name} must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name`);
    }
  });
});
