// Odoo's clock, as its answers tell it. The incremental watermark must be reckoned on the clock that
// stamps write_date (Odoo's), never on this host's: the two can be minutes apart. Every HTTP answer
// carries a `Date` header (RFC 9110 requires it of a server with a clock), so each call is a free
// reading of Odoo's clock.
//
// A reading gives a lower bound, never an estimate: the header is truncated to the second and was written
// at some instant before the answer arrived, so at the host instant `receivedAt`, Odoo's clock was at
// least `date`. Later instants are measured on the host's monotonic clock (immune to the host's wall
// clock being stepped), so `lowerBound()` = `date` + time elapsed here since `receivedAt` stays a bound
// however far the two wall clocks are apart.
import { performance } from 'node:perf_hooks';

interface Reading {
  /** Odoo's clock (ms since epoch) when it wrote the answer, truncated to the second. */
  odooMs: number;
  /** The host's monotonic clock when the answer arrived. */
  receivedAt: number;
}

export class ServerClock {
  private latest?: Reading;

  /** Records the `Date` header of an answer that just arrived (ignored when absent or unreadable). */
  observe(dateHeader: string | string[] | undefined): void {
    const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    if (!value) return;
    const odooMs = Date.parse(value);
    if (Number.isNaN(odooMs)) return;
    this.latest = { odooMs, receivedAt: performance.now() };
  }

  /** How long ago (ms) the latest reading arrived; undefined before any answer carried a Date. */
  age(): number | undefined {
    return this.latest ? performance.now() - this.latest.receivedAt : undefined;
  }

  /** An instant Odoo's clock has certainly passed by now; undefined before any answer carried a Date. */
  lowerBound(): Date | undefined {
    return this.lowerBoundAt(ServerClock.hostNow());
  }

  /**
   * An instant Odoo's clock had certainly passed at the host instant `hostMs` (from `hostNow()`), which may
   * lie before the latest answer: Odoo's clock was at least `date` when that answer arrived, so at least
   * `date` − (arrival − hostMs) at `hostMs`. Undefined before any answer carried a Date.
   */
  lowerBoundAt(hostMs: number): Date | undefined {
    if (!this.latest) return undefined;
    return new Date(this.latest.odooMs + (hostMs - this.latest.receivedAt));
  }

  /** This host's monotonic clock, the time base of `lowerBoundAt`. */
  static hostNow(): number {
    return performance.now();
  }
}
