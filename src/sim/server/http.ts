// The simulator's HTTP side: listening and closing (open keep-alive sockets included), the `Date` header
// from the simulated clock, request bodies, the worker slots and latency every Odoo call goes through, and
// the routing to the XML-RPC, JSON-2, web and control handlers.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ServerContext } from './context.ts';
import { handleJson2 } from './json2.ts';
import { sendInternalError, sendNotFound } from './responses.ts';
import { handleWebVersion, WEB_VERSION_PATHS } from './web.ts';
import { WorkerPool, type PoolLoad } from './worker-pool.ts';
import { handleXmlRpc } from './xmlrpc.ts';

/** Answers `POST /__sim/<action>`. */
export type ControlHandler = (action: string, body: string, res: http.ServerResponse) => void;

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class SimHttpServer {
  url = '';
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pool: WorkerPool;

  constructor(
    private readonly ctx: ServerContext,
    private readonly control: ControlHandler,
  ) {
    this.pool = new WorkerPool(() => ctx.settings.workers);
  }

  async listen(port: number, host: string): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${addr.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Calls being served and waiting for a worker. */
  load(): PoolLoad {
    return this.pool.load();
  }

  /** To call after the `workers` setting changed: a raised limit starts waiting calls at once. */
  workersChanged(): void {
    this.pool.drain();
  }

  private stampDate(res: http.ServerResponse): void {
    // Odoo's HTTP server (werkzeug, or the proxy before it) dates every answer with its own clock: here the
    // simulated one, so a moved clock shows in the header as it does in write_date.
    if (!this.ctx.dateHeader) res.sendDate = false;
    else res.setHeader('Date', this.ctx.now().toUTCString());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://sim').pathname;
      // The control API is the test bench's, not Odoo's: it never waits for a worker.
      if (path.startsWith('/__sim/')) {
        this.stampDate(res);
        return this.control(path.slice(7), await readBody(req), res);
      }
      // A worker is busy until the answer is sent or the client is gone (a 'timeout' fault never answers:
      // its worker is freed when the client gives up, as a real one stuck in a call would be by the proxy).
      let release: (() => void) | undefined;
      let closed = false;
      res.once('close', () => {
        closed = true;
        release?.();
      });
      release = await this.pool.acquire();
      if (closed) return release();
      this.stampDate(res);
      const body = await readBody(req);
      const latency = this.ctx.settings.latencyMs;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      if (req.method === 'POST' && path.startsWith('/xmlrpc/2/')) return handleXmlRpc(this.ctx, path.slice(10), body, res);
      if (req.method === 'POST' && path.startsWith('/json/2/') && this.ctx.version === '19.0') return handleJson2(this.ctx, req, path.slice(8), body, res);
      if (WEB_VERSION_PATHS.has(path)) return handleWebVersion(this.ctx, path, body, res);
      sendNotFound(res);
    } catch (err) {
      sendInternalError(res);
      console.error('simulator internal error', err);
    }
  }
}
