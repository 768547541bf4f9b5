/**
 * The body Odoo's "Send Webhook Notification" server action POSTs (Odoo 17+, ir.actions.server state
 * 'webhook'): a JSON object with `_model`, `_id`, `_action` ("Send Webhook Notification(#12)") and the
 * fields the action selected (none with the rules `webhooks install` creates: the job re-reads the record).
 */
import { z } from 'zod';

export const notificationSchema = z
  .object({
    _model: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'must be an Odoo model name'),
    _id: z.number().int().positive().max(2 ** 31 - 1),
    _action: z.string().max(500).optional(),
  })
  .passthrough();

export type Notification = z.infer<typeof notificationSchema>;
