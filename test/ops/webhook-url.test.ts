// The receiver URL `webhooks install` accepts, and how its token is hidden in everything printed.
import { describe, expect, it } from 'vitest';
import { maskWebhookUrl, scrubToken, tokenOf, validateWebhookUrl, WebhookUrlError } from '../../src/webhooks/webhook-url.ts';
import { pyJsonDumps } from '../../src/sim/webhooks.ts';

const TOKEN = 'a'.repeat(20) + 'B9_-.~' + 'c'.repeat(10);

describe('webhook URL', () => {
  it('accepts http(s)://host[:port][/prefix]/webhook/<token of ≥ 32 URL-safe characters>', () => {
    for (const ok of [`https://etl.example.com/webhook/${TOKEN}`, `http://10.0.0.5:8787/webhook/${TOKEN}`, `https://example.com/odoo-etl/webhook/${TOKEN}`]) expect(validateWebhookUrl(ok)).toBe(ok);
  });

  it('refuses other schemes, other paths, short or odd tokens, queries', () => {
    const bad = [
      'etl.example.com/webhook/' + TOKEN,
      'ftp://etl.example.com/webhook/' + TOKEN,
      'https://etl.example.com/hooks/' + TOKEN,
      'https://etl.example.com/webhook/' + TOKEN + '/',
      'https://etl.example.com/webhook/' + 'x'.repeat(31),
      'https://etl.example.com/webhook/' + 'x'.repeat(31) + '%20',
      `https://etl.example.com/webhook/${TOKEN}?a=1`,
    ];
    for (const url of bad) expect(() => validateWebhookUrl(url), url).toThrow(WebhookUrlError);
  });

  it('masks the token and scrubs it from any text', () => {
    const url = `https://etl.example.com/webhook/${TOKEN}`;
    expect(tokenOf(url)).toBe(TOKEN);
    expect(maskWebhookUrl(url)).toBe('https://etl.example.com/webhook/********');
    expect(maskWebhookUrl(false)).toBe('');
    expect(scrubToken(`Webhook call to ${url} failed`, url)).toBe('Webhook call to https://etl.example.com/webhook/******** failed');
  });
});

describe("the simulator's payload encoding", () => {
  it("is Python's json.dumps(sort_keys=True): sorted keys, ', ' and ': ', ASCII escapes, floats with a point", async () => {
    const { PyFloat } = await import('../../src/sim/xmlrpc-codec.ts');
    expect(pyJsonDumps({ _model: 'res.partner', _id: 7, _action: 'odoo-etl: res.partner(#3)', name: 'Café', amount: new PyFloat(2), tags: [1, 2] })).toBe(
      '{"_action": "odoo-etl: res.partner(#3)", "_id": 7, "_model": "res.partner", "amount": 2.0, "name": "Caf\\u00e9", "tags": [1, 2]}',
    );
  });
});
