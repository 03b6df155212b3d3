import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-TTHC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the Stripe scheme).
 * The timestamp is inside what is signed, so a captured delivery cannot be replayed later: a
 * receiver rejects a timestamp more than 5 minutes from its own clock (README, "Webhooks").
 */
export const SIGNATURE_HEADER = 'X-TTHC-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmacHex = (secret: string, t: number, body: string | Buffer) => createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

export function signatureHeader(secret: string, body: string | Buffer, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, unixSeconds, body)}`;
}

/**
 * What a receiver does: parse `t` and every `v1`, refuse a timestamp outside the tolerance,
 * recompute the HMAC over the bytes received and compare in constant time.
 */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined, nowSeconds: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t) || Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, Number(t), body), 'hex');
  return parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).some(([, v]) => timingSafeEqual(expected, Buffer.from(v, 'hex')));
}
