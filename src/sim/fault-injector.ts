// A test-side knob of the simulator that is not Odoo: failures injected into matching calls.
export type FaultKind = 'http502' | 'http503' | 'http504' | 'http429' | 'html500' | 'timeout' | 'reset' | 'serialization' | 'accessDenied';

export interface FaultSpec {
  kind: FaultKind;
  /** Fire on this fraction of matching calls (deterministic sequence). */
  rate?: number;
  /** Fire on the Nth matching call (1-based), counted from injection. */
  onCall?: number;
  /** How many times it may fire; default 1 with onCall, unlimited with rate or neither. */
  times?: number;
  /** Only calls of this method (`search_read`, `authenticate`, `version`, ...). */
  method?: string;
  /** Only calls on this model. */
  model?: string;
}

interface ActiveFault extends FaultSpec {
  id: number;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private rngState = 0x2545f491;

  add(spec: FaultSpec): number {
    const id = this.nextId++;
    this.faults.push({ ...spec, id, seen: 0, fired: 0 });
    return id;
  }

  clear(id?: number): void {
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
  }

  private random(): number {
    this.rngState ^= this.rngState << 13;
    this.rngState ^= this.rngState >>> 17;
    this.rngState ^= this.rngState << 5;
    return (this.rngState >>> 0) / 4294967296;
  }

  /** The fault to apply to this call, if any. */
  pick(method: string, model: string | undefined): FaultKind | null {
    for (const f of this.faults) {
      if (f.method !== undefined && f.method !== method) continue;
      if (f.model !== undefined && f.model !== model) continue;
      f.seen++;
      const limit = f.times ?? (f.onCall !== undefined ? 1 : Infinity);
      if (f.fired >= limit) continue;
      let fire: boolean;
      if (f.onCall !== undefined) fire = f.seen >= f.onCall;
      else if (f.rate !== undefined) fire = this.random() < f.rate;
      else fire = true;
      if (fire) {
        f.fired++;
        return f.kind;
      }
    }
    return null;
  }
}
