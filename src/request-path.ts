/**
 * The path of an HTTP request target, for the worker's listeners (metrics, webhooks). Not
 * `new URL(target, base)`: a target such as `//` reads as a scheme-relative URL there and throws (a 500,
 * or an uncaught exception in a request listener), and `//host/x` would lose its first segment.
 */
export function requestPath(target: string | undefined): string {
  const t = target ?? '/';
  if (t.startsWith('/')) return t.split(/[?#]/, 1)[0]!;
  try {
    return new URL(t).pathname; // the absolute form, `GET http://host/metrics HTTP/1.1`
  } catch {
    return ''; // `*` (OPTIONS) or garbage: no path of ours
  }
}
