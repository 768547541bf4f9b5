// Task `sync_records`: the targeted sync of the records webhooks notified for one model (src/webhooks/sync-records.ts).
import type { Task } from 'graphile-worker';
import type { SyncContext } from '../src/sync/context.ts';
import { syncRecords, syncRecordsPayload } from '../src/webhooks/sync-records.ts';

export default (context: SyncContext): Task =>
  async (payload) => {
    await syncRecords(context, syncRecordsPayload.parse(payload));
  };
