import { createHmac } from 'node:crypto';
import { signBody, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'a-secret-of-16+chars';
  const body = '{"message":"Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 72,40% < mục tiêu 80%"}';

  it('is sha256=<hex HMAC of the UTF-8 body>', () => {
    const hex = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signBody(secret, body)).toBe(`sha256=${hex}`);
  });

  it.each<[string, (s: string) => string | undefined, string, boolean]>([
    ['the signature of the same bytes', (s) => s, body, true],
    ['a missing header', () => undefined, body, false],
    ['another secret', () => signBody('another-secret-16chars', body), body, false],
    ['a body changed by one character', (s) => s, body.replace('72,40', '72,41'), false],
    ['a truncated signature', (s) => s.slice(0, -2), body, false],
  ])('verifies %s → %s', (_name, header, received, ok) => {
    expect(verifySignature(secret, received, header(signBody(secret, body)))).toBe(ok);
  });
});
