// The connection both transports keep to one Odoo server: http or https, kept alive, certificates
// verified (rejectUnauthorized stays true), `ca` adding a private certificate authority.
import http from 'node:http';
import https from 'node:https';

export interface ServerConnection {
  base: URL;
  secure: boolean;
  agent: http.Agent;
}

export function connectTo(url: string, ca?: string | Buffer | Array<string | Buffer>): ServerConnection {
  const base = new URL(url);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new TypeError(`Odoo URL must be http(s): ${base.protocol}`);
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32, ...(ca ? { ca } : {}) })
    : new http.Agent({ keepAlive: true, maxSockets: 32 });
  return { base, secure, agent };
}
