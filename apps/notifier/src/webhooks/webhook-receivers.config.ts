import { redactUrl } from '@tthc/platform';

/** A webhook receiver: where deliveries go, and the secret only it and the notifier share. */
export interface WebhookReceiver {
  url: string;
  secret: string;
}

export const MIN_SECRET_LENGTH = 32;

/**
 * `ALERT_WEBHOOKS`: a JSON array of `{ "url": "https://…", "secret": "…" }`, one secret per
 * receiver (issue 10: one shared secret let any receiver forge deliveries to the others). HTTPS
 * is required outside local mode. Problems name the entry and never show a secret or a URL's
 * query or user-info.
 */
export function parseWebhookReceivers(json: string | undefined, local: boolean): { receivers: WebhookReceiver[]; problems: string[] } {
  if (json === undefined || json.trim() === '') return { receivers: [], problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { receivers: [], problems: ['ALERT_WEBHOOKS: must be a JSON array of {"url", "secret"} (it is not valid JSON)'] };
  }
  if (!Array.isArray(raw)) return { receivers: [], problems: ['ALERT_WEBHOOKS: must be a JSON array of {"url", "secret"}'] };
  const problems: string[] = [];
  const receivers: WebhookReceiver[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = `ALERT_WEBHOOKS[${i}]`;
    const { url, secret, ...rest } = (entry ?? {}) as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return problems.push(`${at}: must be an object {"url", "secret"}`);
    if (extra.length > 0) problems.push(`${at}: unknown field ${extra.join(', ')}`);
    let parsed: URL | undefined;
    try {
      parsed = typeof url === 'string' ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['https:', 'http:'].includes(parsed.protocol)) problems.push(`${at}.url: must be an http(s) URL`);
    else if (parsed.protocol === 'http:' && !local) problems.push(`${at}.url: must use https outside local mode (got ${redactUrl(parsed.href)})`);
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      problems.push(`${at}.secret: must be a string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`);
    }
    if (parsed && typeof secret === 'string') {
      if (receivers.some((r) => r.url === url)) problems.push(`${at}.url: ${redactUrl(url as string)} is listed twice`);
      if (receivers.some((r) => r.secret === secret)) problems.push(`${at}.secret: the same secret as another receiver; each needs its own`);
      receivers.push({ url: url as string, secret });
    }
  });
  return { receivers: problems.length === 0 ? receivers : [], problems };
}
