/**
 * The last line of defence of a long-running process (`worker`, `sync`): a promise rejection nobody
 * handled, or an exception nobody caught, is logged (scrubbed of secrets, stack included) instead of
 * Node's bare crash. A lost database connection surfacing that way is survivable (pg has dropped the
 * client, and every user of the database reconnects), so the process goes on; anything else means the
 * process's state is unknown: it exits with code 1 so that its supervisor (systemd, Kubernetes) restarts it.
 */
import { isConnectionError } from './db/connection-errors.ts';
import type { Logger } from './log.ts';

export interface ProcessGuardOptions {
  logger: Logger;
  /** Called instead of `process.exit` (tests). */
  exit?: (code: number) => void;
}

let installed: { remove(): void } | undefined;

/** Installs the handlers once per process (a second call replaces the first). */
export function installProcessGuards(options: ProcessGuardOptions): { remove(): void } {
  installed?.remove();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handle = (kind: 'unhandled rejection' | 'uncaught exception') => (reason: unknown) => {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    if (isConnectionError(reason)) {
      options.logger.warn({ err }, `${kind}: database connection lost; going on (connections are re-opened on next use)`);
      return;
    }
    options.logger.fatal({ err }, `${kind}: stopping with exit code 1 so that a supervisor restarts the process`);
    options.logger.flush?.();
    exit(1);
  };
  const onRejection = handle('unhandled rejection');
  const onException = handle('uncaught exception');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  installed = {
    remove() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      if (installed === this) installed = undefined;
    },
  };
  return installed;
}
