/**
 * The worker's monitoring endpoint: `/metrics` (Prometheus text format), `/healthz` (the process is
 * alive and its event loop answers) and `/readyz` (it can work: database reachable, schema current),
 * for Prometheus, supervisors and Kubernetes probes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import { requestPath } from '../request-path.ts';
import type { Readiness } from './readiness.ts';

export interface MetricsServerOptions {
  port: number;
  /** Interface to listen on; all of them by default (a Prometheus or a kubelet elsewhere must reach it). */
  host?: string;
  registry: Registry;
  readiness: () => Promise<Readiness>;
  logger: Logger;
}

export interface MetricsServer {
  /** The port listened on (the chosen one when asked for 0). */
  port: number;
  /** The address listened on ('::' or '0.0.0.0': every interface). */
  address: string;
  close(): Promise<void>;
}

export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, logger } = options;
  const server = http.createServer((req, res) => {
    const path = requestPath(req.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET\n', { Allow: 'GET, HEAD' });
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(res, 200, registry.contentType, text),
        (error: unknown) => {
          logger.warn({ err: error }, 'metrics: collecting failed');
          send(res, 500, 'text/plain', 'collecting the metrics failed\n');
        },
      );
      return;
    }
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      options.readiness().then(
        (readiness) => send(res, readiness.ready ? 200 : 503, 'application/json', `${JSON.stringify(readiness)}\n`),
        (error: unknown) => send(res, 503, 'application/json', `${JSON.stringify({ ready: false, error: String(error) })}\n`),
      );
      return;
    }
    send(res, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
  });
  // Keep-alive connections from Prometheus must not hold the process open at shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConfigError(`METRICS_PORT ${options.port} is already in use by another program`, 'METRICS_PORT') : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    port,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
