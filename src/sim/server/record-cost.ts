// The time a real server spends per record of an answer (reading, computing, serializing): `perRecordUs`
// of the settings, spent before the answer goes out, so the call's worker stays busy meanwhile.
import type { ServerContext } from './context.ts';

/** Sends the answer once its records' cost has passed (at once when the setting is 0 or it holds no records). */
export function afterRecordCost(ctx: ServerContext, result: unknown, send: () => void): void {
  const records = Array.isArray(result) ? result.filter((r) => r !== null && typeof r === 'object' && !Array.isArray(r)).length : 0;
  const ms = (records * ctx.settings.perRecordUs) / 1000;
  if (ms <= 0) return send();
  setTimeout(send, ms);
}
