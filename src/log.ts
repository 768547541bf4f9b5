/**
 * The one logger: pino JSON lines by default, readable lines on a terminal (pino-pretty), to stderr so
 * that stdout stays for command output (`--json`). Known secret fields are redacted by path.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  'apiKey',
  'api_key',
  'ODOO_PASSWORD',
  'ODOO_API_KEY',
  '*.password',
  '*.apiKey',
  '*.ODOO_PASSWORD',
  '*.ODOO_API_KEY',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Pretty output; defaults to "stderr is a terminal". */
  pretty?: boolean;
  /** Also write JSON lines to this file. */
  file?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const targets: pino.TransportTargetOptions[] = [
    pretty
      ? { target: 'pino-pretty', level, options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level, options: { destination: 2 } },
  ];
  if (options.file) targets.push({ target: 'pino/file', level, options: { destination: options.file, mkdir: true } });
  // A plain destination (no worker thread) for the common case keeps short commands quick and lines ordered.
  if (!pretty && !options.file) {
    return pino({ level, redact: { paths: REDACT_PATHS, censor: '***' } }, pino.destination({ fd: 2, sync: true }));
  }
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '***' } }, pino.transport({ targets }));
}

/** A logger that writes nothing (tests, library use without logging). */
export const silentLogger: Logger = pino({ level: 'silent' });
