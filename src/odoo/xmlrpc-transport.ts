// XML-RPC transport (Odoo 16–18, still answered by 19): `/xmlrpc/2/common` and `/xmlrpc/2/object`. Requests
// are written by the unmaintained `xmlrpc` package's serializer (it serializes bad values silently: we clean
// them first, see wire.ts); the HTTP exchange is ours (keep-alive agent, timeout through an AbortSignal), and
// responses are read by our own decoder (xmlrpc-decode.ts): the package's sax reader was the bottleneck.
import http from 'node:http';
import https from 'node:https';
import { serializeMethodCall } from 'xmlrpc/lib/serializer.js';
import {
  errorFromFault,
  errorFromHttpStatus,
  errorFromNetwork,
  OdooAuthError,
  OdooError,
  type ErrorContext,
} from './errors.ts';
import type { ModelCall, OdooVersion, Transport, TransportConnection } from './types.ts';
import { connectTo } from './agent.ts';
import { cleanForWire } from './wire.ts';
import { decodeMethodResponse, type MethodResponse } from './xmlrpc-decode.ts';

export interface XmlRpcTransportOptions extends TransportConnection {
  /** Password or API key: XML-RPC takes either in the same place. */
  secret: string;
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
  async call(service: 'common' | 'object' | 'db', method: string, params: unknown[], ctx: ErrorContext): Promise<unknown> {
    const body = serializeMethodCall(method, cleanForWire(params, 'params') as unknown[]);
    const { status, text, retryAfter } = await this.post(`/xmlrpc/2/${service}`, body, ctx);
    let response: MethodResponse;
    try {
      response = decodeMethodResponse(text);
    } catch (err) {
      // Not XML-RPC: an error page (HTML from a proxy is transient even with 200), or a broken server.
      if (status !== 200) throw errorFromHttpStatus(status, text, ctx, retryAfter);
      const fromPage = errorFromHttpStatus(status, text, ctx);
      if (fromPage.transient) throw fromPage;
      throw new OdooError({ model: ctx.model, method: ctx.method, serverMessage: `unreadable XML-RPC response: ${(err as Error).message}`, httpStatus: 200, cause: err });
    }
    if (response.kind === 'fault') throw errorFromFault(response, ctx);
    // A value with an error status is not trusted (Python's client refuses it too).
    if (status !== 200) throw errorFromHttpStatus(status, text, ctx, retryAfter);
    return response.value;
  }

  /** POSTs the body and reads the whole answer as UTF-8 text, whatever its status. */
  private post(path: string, body: string, ctx: ErrorContext): Promise<{ status: number; text: string; retryAfter?: string }> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const failure = (err: unknown): OdooError => errorFromNetwork(err, ctx, signal.aborted ? this.opts.timeoutMs : undefined);
    return new Promise((resolve, reject) => {
      const request = (this.secure ? https : http).request(
        {
          host: this.base.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: Number(this.base.port) || (this.secure ? 443 : 80),
          path: `${this.base.pathname.replace(/\/+$/, '')}${path}`,
          method: 'POST',
          agent: this.agent,
          signal,
          headers: { 'User-Agent': 'odoo-etl', 'Content-Type': 'text/xml', Accept: 'text/xml', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          this.opts.clock?.observe(res.headers.date);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => reject(failure(err)));
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter });
          });
        },
      );
      // A promise settles once: a later socket error after an answer is ignored.
      request.on('error', (err) => reject(failure(err)));
      request.end(body);
    });
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
