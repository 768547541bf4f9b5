// XML-RPC transport (Odoo 16–18, still answered by 19): `/xmlrpc/2/common` and `/xmlrpc/2/object` through
// the unmaintained `xmlrpc` package, wrapped for its traps (STACK.md): https needs createSecureClient, it
// has no timeout (an AbortSignal goes through to http.request), keep-alive needs our own Agent, HTTP error
// pages arrive as parse errors with the status on err.res, and it serializes bad values silently (we clean
// them first, see wire.ts).
import http from 'node:http';
import xmlrpc from 'xmlrpc';
import {
  errorFromFault,
  errorFromHttpStatus,
  errorFromNetwork,
  OdooAuthError,
  OdooError,
  type ErrorContext,
} from './errors.ts';
import type { ModelCall, OdooVersion, Transport } from './types.ts';
import { connectTo } from './agent.ts';
import { cleanForWire } from './wire.ts';
import type { ServerClock } from './server-clock.ts';

export interface XmlRpcTransportOptions {
  url: string;
  db: string;
  username: string;
  /** Password or API key: XML-RPC takes either in the same place. */
  secret: string;
  timeoutMs: number;
  ca?: string | Buffer | Array<string | Buffer>;
  /** Told the `Date` header of every answer (Odoo's clock, for the watermark). */
  clock?: ServerClock;
}

interface XmlRpcFailure {
  faultCode?: unknown;
  faultString?: unknown;
  res?: http.IncomingMessage;
  body?: string;
  message?: string;
}

/** The `xmlrpc` package's hook for answer headers (not in its types). */
interface HeaderProcessors {
  headersProcessors: {
    processors: Array<{ composeRequest(headers: http.OutgoingHttpHeaders): void; parseResponse(headers: http.IncomingHttpHeaders): void }>;
  };
}

export class XmlRpcTransport implements Transport {
  readonly kind = 'xmlrpc' as const;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(private readonly opts: XmlRpcTransportOptions) {
    ({ base: this.base, secure: this.secure, agent: this.agent } = connectTo(opts.url, opts.ca));
  }

  /** One XML-RPC method call on `/xmlrpc/2/<service>`; rejects with a typed OdooError. */
  call(service: 'common' | 'object' | 'db', method: string, params: unknown[], ctx: ErrorContext): Promise<unknown> {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const options = {
      host: this.base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(this.base.port) || (this.secure ? 443 : 80),
      path: `${basePath}/xmlrpc/2/${service}`,
      agent: this.agent,
      signal,
      headers: { 'User-Agent': 'odoo-etl' },
    };
    // `agent` and `signal` are not in the package's types but pass through to http(s).request.
    const clientOptions = options as Parameters<typeof xmlrpc.createClient>[0];
    const client = this.secure ? xmlrpc.createSecureClient(clientOptions) : xmlrpc.createClient(clientOptions);
    const clock = this.opts.clock;
    if (clock) {
      // The package hands every answer's headers to its processors (it keeps its cookie handling there).
      (client as unknown as HeaderProcessors).headersProcessors.processors.push({
        composeRequest: () => {},
        parseResponse: (headers) => clock.observe(headers.date),
      });
    }
    const cleaned = cleanForWire(params, 'params') as unknown[];
    return new Promise((resolve, reject) => {
      let settled = false; // the package can call back twice (parse error, then socket error)
      client.methodCall(method, cleaned, (error: unknown, value: unknown) => {
        if (settled) return;
        settled = true;
        if (!error) return resolve(value);
        reject(this.toOdooError(error as XmlRpcFailure, ctx, signal));
      });
    });
  }

  private toOdooError(err: XmlRpcFailure, ctx: ErrorContext, signal: AbortSignal): OdooError {
    if (signal.aborted) return errorFromNetwork(err, ctx, this.opts.timeoutMs);
    if (err.faultCode !== undefined || err.faultString !== undefined) return errorFromFault(err, ctx);
    const status = err.res?.statusCode;
    if (status !== undefined) {
      const retryAfter = err.res?.headers['retry-after'];
      if (status !== 200) return errorFromHttpStatus(status, err.body ?? '', ctx, retryAfter);
      // A 200 that is not XML-RPC: an HTML page from a proxy is transient, anything else is a broken server.
      const fromPage = errorFromHttpStatus(status, err.body ?? '', ctx);
      if (fromPage.transient) return fromPage;
      return new OdooError({ model: ctx.model, method: ctx.method, serverMessage: `unreadable XML-RPC response: ${err.message ?? err}`, httpStatus: 200 });
    }
    return errorFromNetwork(err, ctx);
  }

  private ctx(model: string, method: string): ErrorContext {
    return { model, method, secrets: [this.opts.secret] };
  }

  async version(): Promise<OdooVersion> {
    return (await this.call('common', 'version', [], this.ctx('common', 'version'))) as OdooVersion;
  }

  async authenticate(): Promise<number> {
    const ctx = this.ctx('common', 'authenticate');
    const uid = await this.call('common', 'authenticate', [this.opts.db, this.opts.username, this.opts.secret, {}], ctx);
    if (typeof uid === 'number' && uid > 0) return uid;
    throw new OdooAuthError({
      model: ctx.model,
      method: ctx.method,
      serverMessage: `login refused for user "${this.opts.username}" on database "${this.opts.db}" (wrong login, password or API key)`,
    });
  }

  async execute(call: ModelCall, uid: number): Promise<unknown> {
    const positional = call.positional ?? [];
    const args: unknown[] = [];
    if (call.ids) args.push(call.ids);
    for (const name of positional) args.push(call.kwargs[name]);
    const kwargs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(call.kwargs)) if (!positional.includes(name) && value !== undefined) kwargs[name] = value;
    if (call.context) kwargs.context = call.context;
    return this.call(
      'object',
      'execute_kw',
      [this.opts.db, uid, this.opts.secret, call.model, call.method, args, kwargs],
      this.ctx(call.model, call.method),
    );
  }

  close(): void {
    this.agent.destroy();
  }
}
