// What the request handlers need of the simulator: its identity, data, users and test knobs (the
// Simulator builds one of these and keeps it; handlers hold no state of their own).
import type { CallCounter } from '../call-counter.ts';
import type { FaultInjector } from '../fault-injector.ts';
import type { Orm, SimUser } from '../orm.ts';
import type { SimSettings } from '../settings.ts';
import type { Db } from '../store.ts';
import type { OdooVersion } from '../versions.ts';
import type { EnvelopeStyle } from '../xmlrpc-codec.ts';

export interface ServerContext {
  readonly version: OdooVersion;
  readonly db: string;
  readonly data: Db;
  readonly orm: Orm;
  readonly users: readonly SimUser[];
  readonly injector: FaultInjector;
  readonly counter: CallCounter;
  /** Live: a configure() between two calls applies to the second. */
  readonly settings: SimSettings;
  /** false: answers carry no `Date` header, as behind a proxy that strips it. */
  readonly dateHeader: boolean;
  /** The simulated clock. */
  now(): Date;
}

/** How the XML-RPC answers are laid out: Python's xmlrpc.client on 16/17, Odoo's own marshaller on 18+. */
export function envelopeOf(version: OdooVersion): EnvelopeStyle {
  return version === '16.0' || version === '17.0' ? 'python' : 'odoo18';
}
