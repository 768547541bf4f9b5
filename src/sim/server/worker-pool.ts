// Odoo's prefork server runs `--workers n` processes, each serving one request at a time; a request that
// finds them all busy waits in the listen socket's queue and is taken by the next free worker (Odoo's
// odoo/service/server.py: PreforkServer dispatches with accept(2) on the shared socket, each WorkerHTTP
// runs a single-threaded werkzeug server). This pool gives calls the same shape: at most `limit()` served
// at once, the rest started in arrival order.

export interface PoolLoad {
  /** Calls being served. */
  busy: number;
  /** Calls waiting for a worker. */
  queued: number;
}

export class WorkerPool {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  /** `limit` is read on every arrival and release, so a changed setting applies at once; 0 = no limit. */
  constructor(private readonly limit: () => number) {}

  /** Resolves once a worker serves this call, with the function that frees it (idempotent). */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push(() => resolve(this.releaser()));
      this.drain();
    });
  }

  /** Starts waiting calls while workers are free (also after the limit was raised). */
  drain(): void {
    while (this.waiting.length > 0 && this.hasRoom()) {
      this.busy++;
      this.waiting.shift()!();
    }
  }

  load(): PoolLoad {
    return { busy: this.busy, queued: this.waiting.length };
  }

  private hasRoom(): boolean {
    const limit = this.limit();
    return limit <= 0 || this.busy < limit;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
      this.drain();
    };
  }
}
