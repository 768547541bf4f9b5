// Answers that are not Odoo's API but what stands around it: werkzeug's own pages and the proxy (nginx)
// errors that injected transport faults imitate.
import type http from 'node:http';
import type { FaultKind } from '../fault-injector.ts';

export const SERVER_HEADER = 'Werkzeug/2.2.2 Python/3.11.2';

function nginxPage(status: number, title: string): string {
  return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export const WERKZEUG_500 =
  '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n' +
  '<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n';

export function sendNotFound(res: http.ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', Server: SERVER_HEADER });
  res.end('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n');
}

export function sendInternalError(res: http.ServerResponse): void {
  res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(WERKZEUG_500);
}

/** Applies an injected transport failure; true when the response has been dealt with. */
export function transportFault(kind: FaultKind | null, res: http.ServerResponse): boolean {
  if (kind === null || kind === 'serialization' || kind === 'accessDenied') return false;
  const send = (status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/html', Server: 'nginx', ...extra });
    res.end(text);
  };
  if (kind === 'http502') send(502, nginxPage(502, 'Bad Gateway'));
  else if (kind === 'http503') send(503, nginxPage(503, 'Service Temporarily Unavailable'));
  else if (kind === 'http504') send(504, nginxPage(504, 'Gateway Time-out'));
  else if (kind === 'http429') send(429, nginxPage(429, 'Too Many Requests'), { 'Retry-After': '1' });
  else if (kind === 'html500') {
    res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8', Server: SERVER_HEADER });
    res.end(WERKZEUG_500);
  } else if (kind === 'reset') res.socket?.destroy();
  // 'timeout': never answer; the socket is destroyed on close()
  return true;
}
