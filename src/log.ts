/**
 * The one logger: pino JSON lines by default, readable lines on a terminal (pino-pretty), to stderr so
 * that stdout stays for command output (`--json`). With LOG_FILE, JSON lines also go to that file,
 * rotated daily (local midnight) and at 50 MB as logrotate does: LOG_FILE=/var/log/odoo-etl/etl.log is always
 * the current file, the rotated ones are etl.log.1 (newest) … etl.log.14, so `tail -F` on the configured path
 * follows the log across rotations (see log-file-stream.js).
 *
 * Secrets: known secret fields are redacted by path wherever they sit in a record, connection strings
 * lose their password in messages, and the values given as `secrets` (the CLI passes the configured
 * password and API key) are replaced in every message and in logged errors' stacks and causes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = ['password', 'apiKey', 'api_key', 'ODOO_PASSWORD', 'ODOO_API_KEY', 'secret', 'authorization', 'DATABASE_URL', 'connectionString'];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

/** Rotation of LOG_FILE: when it reaches `size` (rotating-file-stream units: B, K, M, G) or at `interval`; `keep` rotated files. */
export interface LogFileRotation {
  size: string;
  interval?: string;
  keep: number;
}

export const LOG_FILE_ROTATION: LogFileRotation = { size: '50M', interval: '1d', keep: 14 };

// Plain JavaScript beside this module: the transport's worker thread loads it by path.
const LOG_FILE_STREAM = fileURLToPath(new URL('./log-file-stream.js', import.meta.url));

/** LOG_FILE cannot be created or appended to. */
export class LogFileError extends Error {
  override name = 'LogFileError';
}

/**
 * Creates LOG_FILE's folder and opens the file for appending, here in the calling thread: a failure inside
 * the transport's worker thread could not be reported and would leave the process hanging at exit.
 */
function assertWritableLogFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (error) {
    throw new LogFileError(`LOG_FILE ${file} cannot be written: ${(error as Error).message}`);
  }
}

export interface LoggerOptions {
  level?: string;
  /** Pretty output; defaults to "stderr is a terminal". */
  pretty?: boolean;
  /** Also write JSON lines to this file, rotated. */
  file?: string;
  /** Rotation of `file`; LOG_FILE_ROTATION unless given (tests rotate at a tiny size). */
  rotation?: LogFileRotation;
  /** Values to blank out of every message (passwords, API keys). */
  secrets?: string[];
  /** A stricter level for the console than for LOG_FILE (e.g. `warn` while live progress owns the terminal). */
  consoleLevel?: string;
}

/** The more severe of two pino levels. */
function stricter(a: string, b: string | undefined): string {
  if (!b) return a;
  return (pino.levels.values[b] ?? 0) > (pino.levels.values[a] ?? 0) ? b : a;
}

const URL_PASSWORD = /((?:postgres(?:ql)?|https?):\/\/[^:/@\s]+):[^@\s]*@/g;

/**
 * A text without connection-string passwords or any of `secrets`. A secret is masked where it stands as a
 * value of its own, not inside a longer word: ODOO_PASSWORD=admin must not turn "administrator" into
 * "***istrator" (which also tells the password's first letters).
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(URL_PASSWORD, '$1:***@');
  for (const secret of secrets) if (secret.length >= 3) result = result.replace(wholeValue(secret), '***');
  return result;
}

const WORD = /[\p{L}\p{N}_]/u;

/** The secret where no letter, digit or underscore continues it on either side (a side that is not one itself needs no boundary). */
function wholeValue(secret: string): RegExp {
  // The escapes allowed in a `u` pattern: syntax characters only (not `-`, which is plain outside a class).
  const escaped = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const before = WORD.test(secret[0]!) ? '(?<![\\p{L}\\p{N}_])' : '';
  const after = WORD.test(secret.at(-1)!) ? '(?![\\p{L}\\p{N}_])' : '';
  return new RegExp(`${before}${escaped}${after}`, 'gu');
}

/**
 * Scrubs an error in place, with what is printed of it besides the message: the stack (written when the
 * error was made, so it still holds the message as it was then), and the errors it wraps (`cause`,
 * AggregateError's `errors`), to any depth.
 */
export function scrubError<T>(error: T, secrets: readonly string[] = [], seen = new Set<unknown>()): T {
  if (!(error instanceof Error) || seen.has(error)) return error;
  seen.add(error);
  error.message = scrubText(error.message, secrets);
  if (typeof error.stack === 'string') error.stack = scrubText(error.stack, secrets);
  if (error.cause !== undefined) scrubError(error.cause, secrets, seen);
  if (error instanceof AggregateError) for (const inner of error.errors) scrubError(inner, secrets, seen);
  return error;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const secrets = options.secrets ?? [];
  const settings: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '***' },
    hooks: {
      // Messages and error texts are free text: a URL or a secret can slip into them where no path redaction reaches.
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => {
            if (typeof arg === 'string') return scrubText(arg, secrets);
            if (arg instanceof Error) return scrubError(arg, secrets);
            if (arg && typeof arg === 'object') {
              // `err` is pino's key; graphile-worker's log lines carry theirs as `error`.
              if ('err' in arg) scrubError((arg as { err: unknown }).err, secrets);
              if ('error' in arg) scrubError((arg as { error: unknown }).error, secrets);
            }
            return arg;
          }) as Parameters<typeof method>,
        );
      },
    },
  };
  const consoleLevel = stricter(level, options.consoleLevel);
  const targets: pino.TransportTargetOptions[] = [
    pretty
      ? { target: 'pino-pretty', level: consoleLevel, options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level: consoleLevel, options: { destination: 2 } },
  ];
  if (options.file) {
    const file = path.resolve(options.file);
    assertWritableLogFile(file);
    targets.push({ target: LOG_FILE_STREAM, level, options: { file, ...(options.rotation ?? LOG_FILE_ROTATION) } });
  }
  // A plain destination (no worker thread) for the common case keeps short commands quick and lines ordered.
  if (!pretty && !options.file) return pino({ ...settings, level: consoleLevel }, pino.destination({ fd: 2, sync: true }));
  return pino(settings, pino.transport({ targets }));
}

/** A logger that writes nothing (tests, library use without logging). */
export const silentLogger: Logger = pino({ level: 'silent' });
