/**
 * The webhook receiver `odoo-etl worker --webhook-port` starts: Odoo's POSTs on `/webhook/<token>` (the
 * token is a shared secret in the URL: Odoo's webhook action can send no header). A valid notification
 * costs ONE database round trip (etl.webhook_notify: record the id, note the freshness, enqueue the
 * model's coalesced job) and is answered 202; the receiver never reads Odoo, so it answers well within
 * the 1 s Odoo waits before giving up on the POST.
 *
 * Rejections, each with a log line and nothing enqueued: 404 for a wrong token or path (no hint that the
 * path exists), 405 for another method, 413 over the body limit, 400 for malformed JSON or a body that is
 * not a notification, 422 for a model no entity reads, 429 over the rate (TokenBucket), 503 when the
 * database does not answer. `GET /healthz` answers how the receiver is doing.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type DatabasePool } from 'slonik';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import { notificationSchema } from './notification.ts';
import { TokenBucket } from './rate-limit.ts';
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
  /** Models accepted; by default every model an entity reads. */
  models?: ReadonlySet<string>;
}

export interface WebhookReceiver {
  /** The port listened on (the chosen one when asked for 0). */
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Enough for Odoo's bulk writes (one POST per record, sent one after another); a flood is cut at this rate. */
export const DEFAULT_RATE = { perSecond: 2000, burst: 20_000 };

const PREFIX = '/webhook/';

class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const { pool, settleMs } = options;
  const logger = options.logger.child({ component: 'webhooks' });
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const models = options.models ?? new Set(webhookModels());
  const bucket = new TokenBucket((options.rate ?? DEFAULT_RATE).perSecond, (options.rate ?? DEFAULT_RATE).burst);
  const expected = digest(options.token);
  const stats = { accepted: 0, rejected: 0, lastAcceptedAt: null as string | null };
  // 429s are counted and logged once a second, not once each: a flood must not flood the log too.
  let throttled = 0;
  const throttleLog = setInterval(() => {
    if (throttled === 0) return;
    logger.warn({ rejected: throttled }, `webhook: ${throttled} notifications over the rate limit answered 429 (the next scheduled run catches them)`);
    throttled = 0;
  }, 1000);
  throttleLog.unref();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 200, { status: 'ok', ...stats });
    }
    if (!path.startsWith(PREFIX) || !crypto.timingSafeEqual(digest(path.slice(PREFIX.length)), expected)) {
      throw new Rejection(404, 'not found');
    }
    if (req.method !== 'POST') throw new Rejection(405, 'only POST');
    if (!bucket.take()) {
      throttled++;
      stats.rejected++;
      req.resume();
      return send(res, 429, { error: 'too many notifications' }, { 'Retry-After': '1' });
    }
    const notification = notificationSchema.safeParse(parseJson(await readBody(req, bodyLimit)));
    if (!notification.success) {
      const issue = notification.error.issues[0]!;
      throw new Rejection(400, `not a webhook notification: ${issue.path.join('.') || 'body'} ${issue.message}`);
    }
    const { _model: model, _id: id } = notification.data;
    if (!models.has(model)) throw new Rejection(422, `model ${model} is not read by any entity`);
    try {
      await pool.query(sql.unsafe`select etl.webhook_notify(${model}, ${id}, ${settleMs})`);
    } catch (error) {
      logger.error({ err: error, model, id }, `webhook: recording ${model}(${id}) failed`);
      throw new Rejection(503, 'the database did not take the notification');
    }
    stats.accepted++;
    stats.lastAcceptedAt = new Date().toISOString();
    logger.debug({ model, id }, 'webhook: notification queued');
    send(res, 202, { queued: { model, id } });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof Rejection ? error.status : 500;
      stats.rejected++;
      // The path is never logged: it holds the token.
      logger.warn({ status, method: req.method, remote: req.socket.remoteAddress }, `webhook: ${status} ${(error as Error).message}`);
      // A rejected body is not read on: drop the connection after answering.
      if (!req.complete) res.setHeader('Connection', 'close');
      send(res, status, { error: (error as Error).message });
    });
  });
  server.keepAliveTimeout = 5_000;
  // A slow sender cannot hold a connection: Odoo sends its small body at once.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConfigError(`WEBHOOK_PORT ${options.port} is already in use by another program`, 'WEBHOOK_PORT') : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(throttleLog);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A fixed-length digest, so timingSafeEqual compares equal lengths and the time says nothing about the token. */
function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new Rejection(413, `body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new Rejection(413, `body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Rejection(400, 'malformed JSON');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}
