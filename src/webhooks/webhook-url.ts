// The receiver URL Odoo's webhook actions POST to: http(s), ending in /webhook/<secret token>. Odoo can
// send no header, so the token in the path is the only secret: it is checked here and never shown.

/** The shortest token the receiver accepts (WEBHOOK_TOKEN). */
export const MIN_TOKEN_LENGTH = 32;

export class WebhookUrlError extends Error {
  override name = 'WebhookUrlError';
}

/** The URL as given, once it is http(s) and ends in /webhook/<token of ≥ 32 URL-safe characters>. */
export function validateWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('the webhook URL is not a URL: give --url https://<host>/webhook/<token>');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUrlError(`the webhook URL must be http or https, not ${url.protocol.replace(':', '')}`);
  if (url.search || url.hash) throw new WebhookUrlError('the webhook URL must end in /webhook/<token>, without a query or fragment');
  const m = /\/webhook\/([^/]*)$/.exec(url.pathname);
  if (!m) throw new WebhookUrlError('the webhook URL must end in /webhook/<token> (the path the receiver listens on)');
  const token = m[1]!;
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) throw new WebhookUrlError('the token after /webhook/ may only hold letters, digits and . _ ~ -');
  if (token.length < MIN_TOKEN_LENGTH) throw new WebhookUrlError(`the token after /webhook/ is too short: at least ${MIN_TOKEN_LENGTH} characters (WEBHOOK_TOKEN)`);
  return raw;
}

/**
 * Refuses a URL whose token is not the receiver's WEBHOOK_TOKEN (when set here): the worker would answer
 * 404 to every notification. Neither token is shown.
 */
export function checkWebhookToken(url: string, expected: string | undefined): void {
  if (expected !== undefined && tokenOf(url) !== expected) {
    throw new WebhookUrlError('the token after /webhook/ in --url is not WEBHOOK_TOKEN: the receiver would answer 404 to every notification (give --url https://<host>/webhook/$WEBHOOK_TOKEN, or unset WEBHOOK_TOKEN here)');
  }
}

/** The token of a receiver URL (what follows /webhook/), or undefined. */
export function tokenOf(url: string): string | undefined {
  const m = /\/webhook\/([^/?#]+)/.exec(url);
  return m?.[1];
}

/** The URL with its token replaced by stars: what status prints and logs. */
export function maskWebhookUrl(url: string | false | null | undefined): string {
  if (!url) return '';
  return url.replace(/\/webhook\/[^/?#]+/, '/webhook/********');
}

/** A text with every occurrence of the URL's token masked (Odoo's messages may quote the URL). */
export function scrubToken(text: string, url: string): string {
  const token = tokenOf(url);
  return token ? text.split(token).join('********') : text;
}
