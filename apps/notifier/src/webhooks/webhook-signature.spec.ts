import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'a-receiver-secret-of-32-characters!';
  const body = '{"message":"Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 72,40% < mục tiêu 80%"}';
  const t = 1_753_938_000;

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const hex = createHmac('sha256', secret)
      .update(Buffer.from(`${t}.${body}`, 'utf8'))
      .digest('hex');
    expect(signatureHeader(secret, body, t)).toBe(`t=${t},v1=${hex}`);
  });

  it.each<[string, (h: string) => string | undefined, string, number, boolean]>([
    ['the signature of the same bytes, just sent', (h) => h, body, t, true],
    ['the same, 5 minutes later (the tolerance)', (h) => h, body, t + 300, true],
    ['a replay 5 minutes and 1 second later', (h) => h, body, t + 301, false],
    ['a timestamp from the future beyond the tolerance', (h) => h, body, t - 301, false],
    ['a timestamp moved forward (no longer signed)', (h) => h.replace(`t=${t}`, `t=${t + 600}`), body, t + 600, false],
    ['a missing header', () => undefined, body, t, false],
    ['another secret', () => signatureHeader('another-secret-of-32-characters!!', body, t), body, t, false],
    ['a body changed by one character', (h) => h, body.replace('72,40', '72,41'), t, false],
    ['a truncated signature', (h) => h.slice(0, -2), body, t, false],
    ['a second v1 (secret rotation) that matches', (h) => `t=${t},v1=${'0'.repeat(64)},${h.split(',')[1]}`, body, t, true],
  ])('verifies %s → %s', (_name, header, received, now, ok) => {
    expect(verifySignature(secret, received, header(signatureHeader(secret, body, t)), now)).toBe(ok);
  });
});
