// The one Odoo client the rest of the tool uses: the same calls over XML-RPC (16–18) or JSON-2 (19+),
// with a timeout on every call, retries for transient failures only, and per-method call counts.
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { OdooError } from './errors.ts';
import { Json2Transport } from './json2-transport.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.ts';
import type {
  CallStats,
  Domain,
  FieldsGetResult,
  ModelCall,
  OdooClientOptions,
  OdooContext,
  OdooVersion,
  RawRecord,
  Transport,
  TransportKind,
} from './types.ts';
import { XmlRpcTransport } from './xmlrpc-transport.ts';
import { ServerClock } from './server-clock.ts';

export interface SearchOptions {
  order?: string;
  limit?: number;
  offset?: number;
  context?: OdooContext;
}

export interface SearchReadOptions extends SearchOptions {
  domain?: Domain;
  fields: string[];
}

export interface OdooClient {
  /** `common.version()` (cached). */
  version(): Promise<OdooVersion>;
  /** Checks the credentials and returns the uid; OdooAuthError when they are wrong. */
  authenticate(): Promise<number>;
  /** The transport in use (asks the server's version first when `transport` is `auto`). */
  transportKind(): Promise<TransportKind>;
  search(model: string, domain?: Domain, options?: SearchOptions): Promise<number[]>;
  searchRead(model: string, options: SearchReadOptions): Promise<RawRecord[]>;
  /** Records of `ids` that exist (Odoo leaves out missing ids, it does not fail). */
  read(model: string, ids: number[], fields: string[], context?: OdooContext): Promise<RawRecord[]>;
  searchCount(model: string, domain?: Domain, context?: OdooContext): Promise<number>;
  fieldsGet(model: string, attributes?: string[], context?: OdooContext): Promise<FieldsGetResult>;
  /** Any other model method, named the JSON-2 way (see ModelCall). */
  call(call: ModelCall): Promise<unknown>;
  /** Odoo's clock as its answers' `Date` headers tell it (see server-clock.ts). */
  readonly clock: ServerClock;
  stats(): CallStats;
  close(): void;
}

export const DEFAULT_FIELDS_GET_ATTRIBUTES = ['string', 'type', 'relation', 'required', 'readonly', 'store', 'selection', 'company_dependent'];

export function createOdooClient(options: OdooClientOptions): OdooClient {
  return new DefaultOdooClient(options);
}

class DefaultOdooClient implements OdooClient {
  private readonly logger: Logger;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly ca?: string | Buffer | Array<string | Buffer>;
  private readonly counts: Record<string, number> = {};
  private retries = 0;
  private failures = 0;
  private versionPromise?: Promise<OdooVersion>;
  private transportPromise?: Promise<Transport>;
  private uidPromise?: Promise<number>;
  /** Answers `common.version` before the transport is known. */
  private readonly probe: XmlRpcTransport;
  private readonly secret: string;
  readonly clock = new ServerClock();

  constructor(private readonly opts: OdooClientOptions) {
    const secret = opts.apiKey ?? opts.password;
    if (!secret) throw new TypeError('Odoo client needs a password or an API key');
    if (opts.transport === 'json2' && !opts.apiKey) throw new TypeError('the JSON-2 transport needs an API key (apiKey)');
    this.secret = secret;
    this.logger = opts.logger ?? pino({ level: 'silent' });
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.policy = {
      retries: opts.retries ?? defaultRetryPolicy.retries,
      baseDelayMs: opts.retryBaseDelayMs ?? defaultRetryPolicy.baseDelayMs,
      maxDelayMs: opts.retryMaxDelayMs ?? defaultRetryPolicy.maxDelayMs,
    };
    this.ca = opts.ca ?? (opts.caFile ? readFileSync(opts.caFile) : undefined);
    this.probe = this.makeXmlRpc();
  }

  private makeXmlRpc(): XmlRpcTransport {
    const { url, db, username } = this.opts;
    return new XmlRpcTransport({ url, db, username, secret: this.secret, timeoutMs: this.timeoutMs, ca: this.ca, clock: this.clock });
  }

  /** Runs one logical call: counted and timed per attempt, retried when transient. The one place calls and retries happen. */
  private async run<T>(model: string, method: string, attempt: () => Promise<T>): Promise<T> {
    const key = `${model}.${method}`;
    const observer = this.opts.observer;
    const onRetry = () => {
      this.retries++;
      observer?.retried({ model, method });
    };
    try {
      return await withRetry(this.policy, { model, method, logger: this.logger, onRetry }, async () => {
        this.counts[key] = (this.counts[key] ?? 0) + 1;
        const started = performance.now();
        let ok = false;
        try {
          const result = await attempt();
          ok = true;
          return result;
        } finally {
          observer?.attempted({ model, method, seconds: (performance.now() - started) / 1000, ok });
        }
      });
    } catch (err) {
      this.failures++;
      observer?.failed({ model, method });
      throw err;
    }
  }

  version(): Promise<OdooVersion> {
    this.versionPromise ??= this.run('common', 'version', () => this.probe.version()).catch((err: unknown) => {
      this.versionPromise = undefined;
      throw err;
    });
    return this.versionPromise;
  }

  private transport(): Promise<Transport> {
    this.transportPromise ??= this.chooseTransport().catch((err: unknown) => {
      this.transportPromise = undefined;
      throw err;
    });
    return this.transportPromise;
  }

  private async chooseTransport(): Promise<Transport> {
    let kind: TransportKind;
    if (this.opts.transport === 'xmlrpc' || this.opts.transport === 'json2') {
      kind = this.opts.transport;
    } else {
      let version: OdooVersion;
      try {
        version = await this.version();
      } catch (err) {
        // A server that no longer answers XML-RPC at all (404) can only be JSON-2.
        if (err instanceof OdooError && err.httpStatus === 404 && this.opts.apiKey) {
          this.logger.info('Odoo XML-RPC not found: using JSON-2');
          return this.makeJson2();
        }
        throw err;
      }
      const major = Number(version.server_version_info?.[0] ?? Number.parseInt(version.server_serie ?? version.server_version, 10));
      kind = major >= 19 ? 'json2' : 'xmlrpc';
      if (kind === 'json2' && !this.opts.apiKey) {
        this.logger.warn({ serverVersion: version.server_version }, 'Odoo 19+ without an API key: using the deprecated XML-RPC API');
        kind = 'xmlrpc';
      }
      this.logger.debug({ serverVersion: version.server_version, transport: kind }, 'Odoo transport chosen');
    }
    return kind === 'xmlrpc' ? this.probe : this.makeJson2();
  }

  private makeJson2(): Json2Transport {
    const { url, db, username } = this.opts;
    return new Json2Transport({ url, db, username, apiKey: this.opts.apiKey!, timeoutMs: this.timeoutMs, ca: this.ca, clock: this.clock });
  }

  async transportKind(): Promise<TransportKind> {
    return (await this.transport()).kind;
  }

  authenticate(): Promise<number> {
    this.uidPromise ??= (async () => {
      const transport = await this.transport();
      const [model, method] = transport.kind === 'json2' ? ['res.users', 'context_get'] : ['common', 'authenticate'];
      return this.run(model!, method!, () => transport.authenticate());
    })().catch((err: unknown) => {
      this.uidPromise = undefined;
      throw err;
    });
    return this.uidPromise;
  }

  async call(call: ModelCall): Promise<unknown> {
    const transport = await this.transport();
    const uid = await this.authenticate();
    return this.run(call.model, call.method, () => transport.execute(call, uid));
  }

  async search(model: string, domain: Domain = [], options: SearchOptions = {}): Promise<number[]> {
    const result = await this.call({
      model,
      method: 'search',
      positional: ['domain'],
      kwargs: { domain, offset: options.offset, limit: options.limit, order: options.order },
      context: options.context,
    });
    return expectArray<number>(result, model, 'search');
  }

  async searchRead(model: string, options: SearchReadOptions): Promise<RawRecord[]> {
    const result = await this.call({
      model,
      method: 'search_read',
      positional: ['domain'],
      kwargs: { domain: options.domain ?? [], fields: options.fields, offset: options.offset, limit: options.limit, order: options.order },
      context: options.context,
    });
    return expectArray<RawRecord>(result, model, 'search_read');
  }

  async read(model: string, ids: number[], fields: string[], context?: OdooContext): Promise<RawRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.call({ model, method: 'read', ids, kwargs: { fields }, context });
    return expectArray<RawRecord>(result, model, 'read');
  }

  async searchCount(model: string, domain: Domain = [], context?: OdooContext): Promise<number> {
    const result = await this.call({ model, method: 'search_count', positional: ['domain'], kwargs: { domain }, context });
    if (typeof result !== 'number') throw unexpected(model, 'search_count', 'a number', result);
    return result;
  }

  async fieldsGet(model: string, attributes: string[] = DEFAULT_FIELDS_GET_ATTRIBUTES, context?: OdooContext): Promise<FieldsGetResult> {
    const result = await this.call({ model, method: 'fields_get', kwargs: { attributes }, context });
    if (!result || typeof result !== 'object' || Array.isArray(result)) throw unexpected(model, 'fields_get', 'an object', result);
    return result as FieldsGetResult;
  }

  stats(): CallStats {
    const calls = { ...this.counts };
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    return { calls, total, retries: this.retries, failures: this.failures };
  }

  close(): void {
    this.probe.close();
    this.transportPromise?.then((t) => t.close()).catch(() => undefined);
  }
}

function expectArray<T>(value: unknown, model: string, method: string): T[] {
  if (!Array.isArray(value)) throw unexpected(model, method, 'a list', value);
  return value as T[];
}

function unexpected(model: string, method: string, wanted: string, got: unknown): OdooError {
  const kind = got === null ? 'null' : Array.isArray(got) ? 'a list' : typeof got;
  return new OdooError({ model, method, serverMessage: `expected ${wanted}, got ${kind}` });
}
