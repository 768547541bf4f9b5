// The `workers` setting: at most n calls served at once, the others waiting in arrival order, as Odoo's
// prefork server with `--workers n` serves one request per worker; 0 (the default) sets no limit.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';

const VERSION_CALL = '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** An XML-RPC common.version call; resolves with the time it was answered. */
async function versionCall(s: Simulator, signal?: AbortSignal): Promise<number> {
  const res = await fetch(`${s.url}/xmlrpc/2/common`, { method: 'POST', body: VERSION_CALL, headers: { 'Content-Type': 'text/xml' }, signal });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('server_version');
  return Date.now();
}

async function loadBecomes(s: Simulator, expected: { busy: number; queued: number }): Promise<void> {
  await vi.waitFor(() => expect(s.load()).toMatchObject(expected), { timeout: 10_000, interval: 5 });
}

describe('workers', () => {
  it('by default sets no limit: three slow calls are all served at once', async () => {
    sim = await startSimulator({ version: '17.0', latencyMs: 300 });
    expect(sim.settings().workers).toBe(0);
    const calls = [versionCall(sim), versionCall(sim), versionCall(sim)];
    await loadBecomes(sim, { busy: 3, queued: 0 });
    await Promise.all(calls);
    expect(sim.load()).toEqual({ workers: 0, busy: 0, queued: 0 });
  });

  it('workers 2 serves two slow calls in parallel and queues the third until one is done', async () => {
    const latency = 400;
    sim = await startSimulator({ version: '17.0', latencyMs: latency, workers: 2 });
    const started = Date.now();
    const finished: string[] = [];
    const call = (name: string): Promise<number> => versionCall(sim!).then((at) => (finished.push(name), at));
    const first = [call('a'), call('b')];
    await loadBecomes(sim, { busy: 2, queued: 0 });
    const third = call('c');
    await loadBecomes(sim, { busy: 2, queued: 1 });
    await Promise.all(first);
    const thirdAt = await third;
    expect(finished.at(-1)).toBe('c');
    // The third waited for a worker, then spent its own latency in it.
    expect(thirdAt - started).toBeGreaterThanOrEqual(2 * latency);
    expect(sim.load()).toEqual({ workers: 2, busy: 0, queued: 0 });
  });

  it('serves waiting calls in arrival order', async () => {
    // Long enough that the first call is still served while the others arrive one by one.
    sim = await startSimulator({ version: '19.0', latencyMs: 1000, workers: 1 });
    const finished: string[] = [];
    const call = (name: string): Promise<void> => versionCall(sim!).then(() => void finished.push(name));
    const calls = [call('a')];
    await loadBecomes(sim, { busy: 1, queued: 0 });
    for (const [i, name] of ['b', 'c', 'd'].entries()) {
      calls.push(call(name));
      await loadBecomes(sim, { busy: 1, queued: i + 1 });
    }
    await Promise.all(calls);
    expect(finished).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is a control setting: raising it over HTTP starts waiting calls at once; bad values are refused', async () => {
    sim = await startSimulator({ version: '17.0', latencyMs: 1500, workers: 1 });
    const control = async (action: string, args: unknown[]): Promise<{ status: number; body: { result?: unknown; error?: string } }> => {
      const res = await fetch(`${sim!.url}/__sim/${action}`, { method: 'POST', body: JSON.stringify(args) });
      return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } };
    };
    const calls = [versionCall(sim), versionCall(sim)];
    await loadBecomes(sim, { busy: 1, queued: 1 });
    // The control API is not Odoo: it answers while every worker is busy.
    expect(await control('configure', [{ workers: 2 }])).toEqual({ status: 200, body: { result: { latencyMs: 1500, perRecordUs: 0, workers: 2 } } });
    await loadBecomes(sim, { busy: 2, queued: 0 });
    expect(await control('load', [])).toEqual({ status: 200, body: { result: { workers: 2, busy: 2, queued: 0 } } });
    expect((await control('configure', [{ workers: -1 }])).body.error).toMatch(/workers must be a non-negative integer/);
    expect((await control('configure', [{ threads: 4 }])).body.error).toMatch(/unknown setting threads/);
    expect((await control('setWorkers', [3])).status).toBe(200);
    expect((await control('settings', [])).body.result).toEqual({ latencyMs: 1500, perRecordUs: 0, workers: 3 });
    await Promise.all(calls);
  });

  it('a call that never answers holds its worker until its client gives up', async () => {
    sim = await startSimulator({ version: '17.0', workers: 1 });
    sim.injectFault({ kind: 'timeout', method: 'version', onCall: 1 });
    const abort = new AbortController();
    const hung = versionCall(sim, abort.signal).catch((e: Error) => e.name);
    await loadBecomes(sim, { busy: 1, queued: 0 });
    const next = versionCall(sim);
    await loadBecomes(sim, { busy: 1, queued: 1 });
    abort.abort();
    expect(await hung).toBe('AbortError');
    await next;
    expect(sim.load()).toEqual({ workers: 1, busy: 0, queued: 0 });
  });
});
