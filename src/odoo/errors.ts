// Typed errors mapped from what real Odoo servers return (recorded in test/fixtures/odoo: XML-RPC faults
// and JSON-2 error bodies). Every message names model and method and quotes the server's own words; the
// password / API key are scrubbed from every text that could carry them.

export interface ErrorContext {
  model: string;
  method: string;
  /** Values that must never appear in a message (password, API key). */
  secrets: readonly string[];
}

export interface OdooErrorDetails {
  model: string;
  method: string;
  /** The server's words (exception line of a traceback, or first line of the message), scrubbed. */
  serverMessage: string;
  faultCode?: number | string;
  httpStatus?: number;
  /** Python exception or JSON-2 error name when the server gave one. */
  errorName?: string;
  /** From a `Retry-After` header (429/503): how long the server asked us to wait. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class OdooError extends Error {
  override name = 'OdooError';
  readonly model: string;
  readonly method: string;
  readonly serverMessage: string;
  readonly faultCode?: number | string;
  readonly httpStatus?: number;
  readonly errorName?: string;
  readonly retryAfterMs?: number;
  /** Whether trying the same call again may succeed. */
  readonly transient: boolean = false;

  constructor(details: OdooErrorDetails, message?: string) {
    super(message ?? `Odoo ${details.model}.${details.method} failed: ${details.serverMessage}`, { cause: details.cause });
    this.model = details.model;
    this.method = details.method;
    this.serverMessage = details.serverMessage;
    this.faultCode = details.faultCode;
    this.httpStatus = details.httpStatus;
    this.errorName = details.errorName;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Wrong login, password or API key (XML-RPC `Access Denied` / `authenticate` → False, JSON-2 401). */
export class OdooAuthError extends OdooError {
  override name = 'OdooAuthError';
}
/** The user may not read the model or some of its fields (AccessError, private methods). */
export class OdooAccessError extends OdooError {
  override name = 'OdooAccessError';
}
export class OdooUnknownModelError extends OdooError {
  override name = 'OdooUnknownModelError';
}
/** A field in `fields` or in the domain that the model does not have. */
export class OdooUnknownFieldError extends OdooError {
  override name = 'OdooUnknownFieldError';
}
export class OdooInvalidDomainError extends OdooError {
  override name = 'OdooInvalidDomainError';
}
/** Odoo's MissingError: a record that does not exist (any more). */
export class OdooMissingRecordError extends OdooError {
  override name = 'OdooMissingRecordError';
}
/** A failure that may go away: network, timeout, overload, HTML error pages, serialization failures. */
export class OdooTransientError extends OdooError {
  override name = 'OdooTransientError';
  override readonly transient: boolean = true;
}
export class OdooTimeoutError extends OdooTransientError {
  override name = 'OdooTimeoutError';
}

export function isTransient(err: unknown): boolean {
  return err instanceof OdooError && err.transient;
}

/** Replaces every secret in a text by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}

/** The words to quote: the exception line of a Python traceback, else the first non-empty line. */
export function serverWords(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) return '(no message)';
  if (lines[0]!.startsWith('Traceback (most recent call last)')) {
    // The exception line is the last line that is not part of a frame ("File ...", code, ^^^ markers).
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (/^[\w.]+(Error|Exception|Denied|Warning|Failure|Rollback)\b.*?:/.test(line) || /^[\w.]+Error$/.test(line)) return line;
    }
    return lines[lines.length - 1]!;
  }
  return lines[0]!;
}

const SERIALIZATION = [
  /could not serialize access/i,
  /SerializationFailure/,
  /TransactionRollbackError/,
  /concurrent update/i,
  /deadlock detected/i,
  /LockNotAvailable/,
  /could not obtain lock/i,
];

type ErrorClass = new (details: OdooErrorDetails, message?: string) => OdooError;

/** Picks the error class from the exception text (shared by XML-RPC faults and JSON-2 bodies). */
function classifyText(text: string, faultCode: number | string | undefined, errorName: string | undefined): ErrorClass {
  const words = serverWords(text);
  if (SERIALIZATION.some((re) => re.test(text))) return OdooTransientError;
  if (faultCode === 3 || /^(odoo\.exceptions\.)?AccessDenied\b/.test(words) || words === 'Access Denied') return OdooAuthError;
  if (/^Object \S+ doesn't exist/.test(words) || /the model '[^']+' does not exist/i.test(words)) return OdooUnknownModelError;
  if (/MissingError/.test(errorName ?? '') || /MissingError|Record does not exist or has been deleted/.test(words)) {
    return OdooMissingRecordError;
  }
  if (/Invalid field\b/.test(words) || /Unknown field\b/i.test(words)) return OdooUnknownFieldError;
  if (/Invalid (leaf|operator|domain|condition)\b/i.test(words) || /Domain .*(malformed|invalid)/i.test(words)) {
    return OdooInvalidDomainError;
  }
  if (
    faultCode === 4 ||
    /AccessError/.test(errorName ?? '') ||
    /^(odoo\.exceptions\.)?AccessError\b/.test(words) ||
    /not allowed to access|enough rights to access|are not available for|Private methods/i.test(words)
  ) {
    return OdooAccessError;
  }
  // A PostgreSQL server that is restarting or unreachable is worth retrying; a database that does not exist is not.
  if (/OperationalError/.test(words) && !/does not exist/.test(words)) return OdooTransientError;
  return OdooError;
}

/** An XML-RPC `<fault>`: faultCode 1 (exception text), 2 (unknown model), 3 (access denied), 4 (AccessError). */
export function errorFromFault(fault: { faultCode?: unknown; faultString?: unknown }, ctx: ErrorContext): OdooError {
  const faultString = scrub(String(fault.faultString ?? ''), ctx.secrets);
  const faultCode = typeof fault.faultCode === 'number' || typeof fault.faultCode === 'string' ? fault.faultCode : undefined;
  const Cls = classifyText(faultString, faultCode, undefined);
  return new Cls({ model: ctx.model, method: ctx.method, serverMessage: serverWords(faultString), faultCode });
}

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * A JSON-2 error response: `{name, message, arguments, context, debug}` with 401/403/404/422/500, or
 * a body that is not that (a proxy's HTML page, an empty 503).
 */
export function errorFromJson2Response(status: number, bodyText: string, ctx: ErrorContext, retryAfter?: string): OdooError {
  let body: { name?: unknown; message?: unknown; debug?: unknown } | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as typeof body;
  } catch {
    body = undefined;
  }
  if (!body || typeof body.message !== 'string') return errorFromHttpStatus(status, bodyText, ctx, retryAfter);
  const errorName = typeof body.name === 'string' ? body.name : undefined;
  const message = scrub(body.message, ctx.secrets);
  const debug = typeof body.debug === 'string' ? scrub(body.debug, ctx.secrets) : '';
  const details = { model: ctx.model, method: ctx.method, serverMessage: serverWords(message), httpStatus: status, errorName, retryAfterMs: parseRetryAfter(retryAfter) };
  if (status === 401 || /AccessDenied/.test(errorName ?? '')) return new OdooAuthError(details);
  if (status === 404 && /the model '[^']+' does not exist/i.test(message)) return new OdooUnknownModelError(details);
  if (status === 429 || status === 502 || status === 503 || status === 504) return new OdooTransientError(details);
  const Cls = classifyText(`${message}\n${SERIALIZATION.some((re) => re.test(debug)) ? debug : ''}`, undefined, errorName);
  if (Cls === OdooError && status === 403) return new OdooAccessError(details);
  return new Cls(details);
}

/** An HTTP failure without an Odoo error body: HTML error pages and gateway errors are transient. */
export function errorFromHttpStatus(status: number, bodyText: string, ctx: ErrorContext, retryAfter?: string): OdooError {
  const isHtml = /^\s*<(!doctype html|html|head|body)\b/i.test(bodyText);
  const title = isHtml ? /<title>([^<]*)<\/title>/i.exec(bodyText)?.[1]?.trim() : undefined;
  const serverMessage = scrub(`HTTP ${status}${title ? ` ${title}` : bodyText.trim() && !isHtml ? ` ${serverWords(bodyText).slice(0, 200)}` : ''}`, ctx.secrets);
  const details = { model: ctx.model, method: ctx.method, serverMessage, httpStatus: status, retryAfterMs: parseRetryAfter(retryAfter) };
  if (status === 401) return new OdooAuthError(details);
  if (status === 403) return new OdooAccessError(details);
  if (TRANSIENT_STATUS.has(status) || status >= 500 || (isHtml && status === 200)) return new OdooTransientError(details);
  if (status === 404) {
    return new OdooError(details, `Odoo ${ctx.model}.${ctx.method} failed: ${serverMessage} (is the URL right, and does this server have that API?)`);
  }
  return new OdooError(details);
}

/** `Retry-After: <seconds>` or `Retry-After: <HTTP date>` in milliseconds. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** A failure below HTTP: connection refused/reset, DNS, TLS, our own timeout. */
export function errorFromNetwork(err: unknown, ctx: ErrorContext, timedOutAfterMs?: number): OdooError {
  if (timedOutAfterMs !== undefined) {
    return new OdooTimeoutError(
      { model: ctx.model, method: ctx.method, serverMessage: `no answer within ${timedOutAfterMs} ms`, cause: err },
      `Odoo ${ctx.model}.${ctx.method} timed out after ${timedOutAfterMs} ms`,
    );
  }
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const text = scrub(String(e?.cause?.message ?? e?.message ?? err), ctx.secrets);
  const details = { model: ctx.model, method: ctx.method, serverMessage: code ? `${code} ${text}` : text, cause: err };
  if ((code && TRANSIENT_CODES.has(code)) || /socket hang up|other side closed|aborted|ECONNRESET/i.test(text)) {
    return new OdooTransientError(details, `Odoo ${ctx.model}.${ctx.method}: connection failed: ${details.serverMessage}`);
  }
  return new OdooError(details, `Odoo ${ctx.model}.${ctx.method}: request failed: ${details.serverMessage}`);
}
