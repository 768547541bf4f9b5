/**
 * The webhook receiver `odoo-etl worker --webhook-port` starts: Odoo's POSTs on `/webhook/<token>` (the
 * token is a shared secret in the URL: Odoo's webhook action can send no header). A valid notification
 * costs ONE database round trip (etl.webhook_notify: record the id, note the freshness, enqueue the
 * model's coalesced job) and is answered 202; the receiver never reads Odoo, so it answers well within
 * the 1 s Odoo waits before giving up on the POST.
 *
 * Rejections, nothing enqueued: 404 for a wrong token or path (no hint that the path exists), 405 for
 * another method, 413 over the body limit, 408 for a body not received within 10 s, 400 for malformed
 * JSON or a body that is not a notification, 422 for a model no `odoo-etl` rule covers, 429 over the rate
 * (TokenBucket), 503 when the database does not answer. They are counted per reason (metrics) and logged
 * without flooding the log (RejectionLog). `GET /healthz` answers how the receiver is doing.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type DatabasePool } from 'slonik';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import { requestPath } from '../request-path.ts';
import { notificationSchema } from './notification.ts';
import { TokenBucket } from './rate-limit.ts';
import { Rejection, RejectionLog, type RejectReason } from './rejections.ts';
import { webhookModels } from './sources.ts';

export interface ReceiverOptions {
  port: number;
  /** Interface to listen on; all of them by default (Odoo posts from another machine). */
  host?: string;
  /** WEBHOOK_TOKEN: the secret last segment of the path. */
  token: string;
  /** WEBHOOK_SETTLE: how long after a notification its records are read. */
  settleMs: number;
  pool: DatabasePool;
  logger: Logger;
  /** Largest body accepted (Odoo's with no selected fields is ~100 bytes). */
  bodyLimit?: number;
  /** Sustained notifications per second, and how many may arrive at once above it. */
  rate?: { perSecond: number; burst: number };
  /** Models accepted; by default those `webhooks install` puts rules on. */
  models?: ReadonlySet<string>;
  /** How long a request's body may take to arrive once its headers did (a stalled sender is cut: 408). */
  bodyTimeoutMs?: number;
  /** How often rejections beyond the first of each reason are summarised in the log. */
  rejectionLogIntervalMs?: number;
  /** Counts for the worker's metrics. */
  observer?: ReceiverObserver;
}

/** What the receiver reports to the metrics (src/webhooks/metrics.ts). */
export interface ReceiverObserver {
  accepted(model: string): void;
  rejected(reason: RejectReason): void;
}

export interface WebhookReceiver {
  /** The port listened on (the chosen one when asked for 0). */
  port: number;
  /** The address listened on ('::' or '0.0.0.0': every interface). */
  address: string;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Odoo sends its small body at once; a sender that stalls is cut after this. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
/** Enough for Odoo's bulk writes (one POST per record, sent one after another); a flood is cut at this rate. */
export const DEFAULT_RATE = { perSecond: 2000, burst: 20_000 };

const PREFIX = '/webhook/';

export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const { pool, settleMs, observer } = options;
  const logger = options.logger.child({ component: 'webhooks' });
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const models = options.models ?? new Set(webhookModels());
  const bucket = new TokenBucket((options.rate ?? DEFAULT_RATE).perSecond, (options.rate ?? DEFAULT_RATE).burst);
  const expected = digest(options.token);
  const stats = { accepted: 0, rejected: 0, lastAcceptedAt: null as string | null };
  const rejections = new RejectionLog(logger, options.rejectionLogIntervalMs);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = requestPath(req.url);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 200, { status: 'ok', ...stats });
    }
    if (!path.startsWith(PREFIX) || !crypto.timingSafeEqual(digest(path.slice(PREFIX.length)), expected)) {
      throw new Rejection(404, 'not-found', 'not found');
    }
    if (req.method !== 'POST') throw new Rejection(405, 'method', 'only POST');
    // Before the body is read: a flood costs no parsing.
    if (!bucket.take()) throw new Rejection(429, 'rate-limit', 'too many notifications');
    const notification = notificationSchema.safeParse(parseJson(await readBody(req, bodyLimit, bodyTimeoutMs)));
    if (!notification.success) {
      const issue = notification.error.issues[0]!;
      throw new Rejection(400, 'not-a-notification', `not a webhook notification: ${issue.path.join('.') || 'body'} ${issue.message}`);
    }
    const { _model: model, _id: id } = notification.data;
    if (!models.has(model)) throw new Rejection(422, 'unknown-model', `no odoo-etl webhook rule covers model ${model}`);
    try {
      await pool.query(sql.unsafe`select etl.webhook_notify(${model}, ${id}, ${settleMs})`);
    } catch (error) {
      logger.debug({ err: error, model, id }, `webhook: recording ${model}(${id}) failed`);
      throw Object.assign(new Rejection(503, 'database', 'the database did not take the notification'), { cause: error });
    }
    stats.accepted++;
    stats.lastAcceptedAt = new Date().toISOString();
    observer?.accepted(model);
    logger.debug({ model, id }, 'webhook: notification queued');
    send(res, 202, { queued: { model, id } });
  };

  const server = http.createServer(
    // The body deadline is readBody's own; these only bound a sender stalling in its headers. Node checks
    // them every connectionsCheckingInterval (30 s by default, on top of its 60 s headersTimeout).
    { headersTimeout: bodyTimeoutMs, requestTimeout: bodyTimeoutMs * 2, connectionsCheckingInterval: Math.min(1000, bodyTimeoutMs) },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        const rejection = error instanceof Rejection ? error : new Rejection(500, 'internal', 'internal error');
        stats.rejected++;
        observer?.rejected(rejection.reason);
        // The path is never logged: it holds the token.
        const err = rejection.reason === 'internal' ? error : (rejection.cause ?? undefined);
        rejections.note(rejection, { method: req.method, remote: req.socket.remoteAddress, ...(err ? { err } : {}) });
        // A rejected body is not read on: drop the connection after answering.
        if (!req.complete) res.setHeader('Connection', 'close');
        send(res, rejection.status, { error: rejection.message }, rejection.reason === 'rate-limit' ? { 'Retry-After': '1' } : {});
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConfigError(`WEBHOOK_PORT ${options.port} is already in use by another program`, 'WEBHOOK_PORT') : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    port: bound.port,
    address: bound.address,
    close: () =>
      new Promise<void>((resolve) => {
        rejections.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A fixed-length digest, so timingSafeEqual compares equal lengths and the time says nothing about the token. */
function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

function readBody(req: http.IncomingMessage, limit: number, timeoutMs: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new Rejection(413, 'too-large', `body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (rejection: Rejection): void => {
      clearTimeout(timer);
      req.pause();
      reject(rejection);
    };
    // Our own deadline: Node's requestTimeout alone let a stalled body hold the connection 60–90 s.
    const timer = setTimeout(() => fail(new Rejection(408, 'timeout', `request body not received within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new Rejection(413, 'too-large', `body over ${limit} bytes`));
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Rejection(400, 'malformed', 'malformed JSON');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}
