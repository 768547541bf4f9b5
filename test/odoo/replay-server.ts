// A tiny HTTP server for tests that answers with recorded bytes (or whatever a responder returns) and
// keeps every request it received, so the real transports can be exercised without an Odoo.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Close the socket without answering (connection reset). */
  destroy?: boolean;
  /** Never answer (timeouts). */
  hang?: boolean;
}

export type Responder = (req: ReceivedRequest, index: number) => Reply | Promise<Reply>;

export interface ReplayServer {
  url: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted so far (keep-alive reuses them). */
  connections(): number;
  close(): Promise<void>;
}

export async function startReplayServer(responder: Responder): Promise<ReplayServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      void Promise.resolve(responder(received, requests.length - 1)).then((reply) => {
        if (reply.destroy) return req.socket.destroy();
        if (reply.hang) return;
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'text/xml; charset=utf-8', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function xmlrpcResult(valueXml: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${valueXml}</value>\n</param>\n</params>\n</methodResponse>\n`;
}

export function xmlrpcFault(faultCode: number, faultString: string): string {
  const escaped = faultString.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>${faultCode}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${escaped}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`;
}

/** Answers `common.authenticate` with uid 2 and leaves the rest to `rest`. */
export function withLogin(rest: Responder): Responder {
  return (req, i) => {
    if (req.url.endsWith('/xmlrpc/2/common') && req.body.includes('<methodName>authenticate</methodName>')) {
      return { body: xmlrpcResult('<int>2</int>') };
    }
    if (req.url.endsWith('/json/2/res.users/context_get')) {
      return { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}' };
    }
    return rest(req, i);
  };
}
