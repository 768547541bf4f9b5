// Shared shapes of the Odoo external API, as both transports (XML-RPC and JSON-2) see them.
import type { Logger } from 'pino';
import type { ServerClock } from './server-clock.ts';

/** A domain leaf `[field, operator, value]`. */
export type DomainLeaf = [string, string, unknown];
/** A domain in Odoo's Polish notation: leaves and the operators `&`, `|`, `!`. */
export type Domain = Array<DomainLeaf | '&' | '|' | '!'>;
export type OdooContext = Record<string, unknown>;

/** What `common.version()` returns. */
export interface OdooVersion {
  server_version: string;
  server_version_info: Array<number | string>;
  server_serie: string;
  protocol_version: number;
}

/** One field as `fields_get` describes it (only the attributes we read). */
export interface FieldInfo {
  type: string;
  string?: string;
  relation?: string;
  required?: boolean;
  readonly?: boolean;
  store?: boolean;
  selection?: Array<[string | number, string]> | false;
  company_dependent?: boolean;
  [attribute: string]: unknown;
}
export type FieldsGetResult = Record<string, FieldInfo>;

/** A record as the server sends it: field name to raw value (`false` for empty, `[id, name]` for many2one). */
export type RawRecord = Record<string, unknown> & { id: number };

export type TransportKind = 'xmlrpc' | 'json2';

/**
 * One call of a model method, named the JSON-2 way. XML-RPC sends `ids` and the `positional`
 * arguments (in that order) as `args`, the rest as keyword arguments: Odoo 16 still names the domain
 * of `search` `args`, so passing it by position is what works everywhere.
 */
export interface ModelCall {
  model: string;
  method: string;
  ids?: number[];
  /** Names of `kwargs` entries that XML-RPC must pass by position, in order. */
  positional?: string[];
  kwargs: Record<string, unknown>;
  context?: OdooContext;
}

/** Where and as whom a transport connects (each transport adds its own secret). */
export interface TransportConnection {
  url: string;
  db: string;
  username: string;
  timeoutMs: number;
  ca?: string | Buffer | Array<string | Buffer>;
  /** Told the `Date` header of every answer (Odoo's clock, for the watermark). */
  clock?: ServerClock;
}

export interface Transport {
  readonly kind: TransportKind;
  version(): Promise<OdooVersion>;
  /** Checks the credentials and returns the user id; throws OdooAuthError when they are wrong. */
  authenticate(): Promise<number>;
  execute(call: ModelCall, uid: number): Promise<unknown>;
  close(): void;
}

export interface OdooClientOptions {
  url: string;
  db: string;
  username: string;
  password?: string;
  apiKey?: string;
  /** Per-call timeout (default 60 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 4). */
  retries?: number;
  /** First backoff step (default 500 ms) and cap (default 30 s); full jitter is applied. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** `auto` (default) asks the server's version: JSON-2 from 19, XML-RPC before. */
  transport?: TransportKind | 'auto';
  /** PEM file or contents of extra CA certificates to trust (https with a private CA). */
  caFile?: string;
  ca?: string | Buffer | Array<string | Buffer>;
  logger?: Logger;
  /** Told of every attempt, retry and failure (metrics); the client works the same without it. */
  observer?: OdooCallObserver;
}

/** What the client tells an observer: one call per attempt on the wire, then retries and final failures. */
export interface OdooCallObserver {
  attempted(call: { model: string; method: string; seconds: number; ok: boolean }): void;
  retried(call: { model: string; method: string }): void;
  /** A logical call that failed for good (not transient, or its retries spent). */
  failed(call: { model: string; method: string }): void;
}

export interface CallStats {
  /** Calls that reached the wire, attempts included, per `model.method` (or `common.version` ...). */
  calls: Record<string, number>;
  total: number;
  retries: number;
  failures: number;
}
