// JSON-2 transport (Odoo 19+, where XML-RPC is deprecated): `POST /json/2/<model>/<method>` with a bearer
// API key and `X-Odoo-Database`; the body holds `ids`, `context` and the method's named arguments, the answer
// is the bare JSON result or an error object `{name, message, arguments, context, debug}`.
// Plain node:http(s) with a keep-alive Agent rather than fetch: a private CA (`ca`) needs no extra package.
import http from 'node:http';
import https from 'node:https';
import { errorFromJson2Response, errorFromNetwork, OdooError, type ErrorContext } from './errors.ts';
import type { ModelCall, OdooVersion, Transport, TransportConnection } from './types.ts';
import { connectTo } from './agent.ts';
import { cleanForWire } from './wire.ts';
import { XmlRpcTransport } from './xmlrpc-transport.ts';

export interface Json2TransportOptions extends TransportConnection {
  /** The API key (JSON-2 accepts no password). */
  apiKey: string;
}

export class Json2Transport implements Transport {
  readonly kind = 'json2' as const;
  private readonly base: URL;
  private readonly secure: boolean;
  private readonly agent: http.Agent;
  /** `common.version` over XML-RPC still answers on 19 and needs no credentials. */
  private readonly common: XmlRpcTransport;

  constructor(private readonly opts: Json2TransportOptions) {
    ({ base: this.base, secure: this.secure, agent: this.agent } = connectTo(opts.url, opts.ca));
    this.common = new XmlRpcTransport({ ...opts, secret: opts.apiKey });
  }

  private ctx(model: string, method: string): ErrorContext {
    return { model, method, secrets: [this.opts.apiKey] };
  }

  /** One JSON-2 call; resolves with the parsed result or rejects with a typed OdooError. */
  post(model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
    const ctx = this.ctx(model, method);
    const payload = JSON.stringify(cleanForWire(body, 'body'));
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const url = new URL(`${basePath}/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`, this.base);
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const request = this.secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            Accept: 'application/json',
            Authorization: `bearer ${this.opts.apiKey}`,
            'X-Odoo-Database': this.opts.db,
            'User-Agent': 'odoo-etl',
          },
        },
        (res) => {
          this.opts.clock?.observe(res.headers.date);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => reject(errorFromNetwork(err, ctx, signal.aborted ? this.opts.timeoutMs : undefined)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status !== 200) return reject(errorFromJson2Response(status, text, ctx, res.headers['retry-after']));
            try {
              resolve(JSON.parse(text));
            } catch {
              // A 200 that is not JSON (a proxy's page): errorFromJson2Response decides whether it is transient.
              const err = errorFromJson2Response(status, text, ctx);
              reject(
                err.transient
                  ? err
                  : new OdooError({ model, method, serverMessage: `response is not JSON: ${text.slice(0, 80)}`, httpStatus: status }),
              );
            }
          });
        },
      );
      req.on('error', (err) => reject(errorFromNetwork(err, ctx, signal.aborted ? this.opts.timeoutMs : undefined)));
      req.end(payload);
    });
  }

  version(): Promise<OdooVersion> {
    return this.common.version();
  }

  async authenticate(): Promise<number> {
    const context = (await this.post('res.users', 'context_get', {})) as { uid?: unknown };
    if (typeof context?.uid !== 'number') {
      throw new OdooError({ model: 'res.users', method: 'context_get', serverMessage: 'no uid in the user context' });
    }
    return context.uid;
  }

  execute(call: ModelCall, _uid: number): Promise<unknown> {
    const body: Record<string, unknown> = {};
    if (call.ids) body.ids = call.ids;
    for (const [name, value] of Object.entries(call.kwargs)) if (value !== undefined) body[name] = value;
    if (call.context) body.context = call.context;
    return this.post(call.model, call.method, body);
  }

  close(): void {
    this.agent.destroy();
    this.common.close();
  }
}
