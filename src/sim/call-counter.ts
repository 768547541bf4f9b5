// A test-side knob of the simulator that is not Odoo: how many calls of each `model:method` it served.
export class CallCounter {
  private counts = new Map<string, number>();
  hit(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  reset(): void {
    this.counts.clear();
  }
}
