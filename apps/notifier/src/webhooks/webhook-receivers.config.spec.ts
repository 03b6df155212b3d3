import { parseWebhookReceivers } from './webhook-receivers.config';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(40);

describe('ALERT_WEBHOOKS', () => {
  it('reads one secret per receiver', () => {
    const json = JSON.stringify([
      { url: 'https://a.example.vn/hook', secret: SECRET_A },
      { url: 'https://b.example.vn/h?token=x', secret: SECRET_B },
    ]);
    expect(parseWebhookReceivers(json, false)).toEqual({
      receivers: [
        { url: 'https://a.example.vn/hook', secret: SECRET_A },
        { url: 'https://b.example.vn/h?token=x', secret: SECRET_B },
      ],
      problems: [],
    });
  });

  it('is empty when unset', () => {
    expect(parseWebhookReceivers(undefined, false)).toEqual({ receivers: [], problems: [] });
  });

  it.each<[string, string, boolean, string]>([
    [
      'plain HTTP outside local mode',
      JSON.stringify([{ url: 'http://x.example.vn/h?token=t0k', secret: SECRET_A }]),
      false,
      'ALERT_WEBHOOKS[0].url: must use https outside local mode (got http://x.example.vn/h?***)',
    ],
    ['a short secret', JSON.stringify([{ url: 'https://x.example.vn/', secret: 'short' }]), false, 'ALERT_WEBHOOKS[0].secret: must be a string of at least 32 characters (e.g. openssl rand -hex 32)'],
    [
      'a shared secret',
      JSON.stringify([
        { url: 'https://x.example.vn/', secret: SECRET_A },
        { url: 'https://y.example.vn/', secret: SECRET_A },
      ]),
      false,
      'ALERT_WEBHOOKS[1].secret: the same secret as another receiver; each needs its own',
    ],
    ['not a URL', JSON.stringify([{ url: 'ftp://x', secret: SECRET_A }]), true, 'ALERT_WEBHOOKS[0].url: must be an http(s) URL'],
    ['not JSON', '[{url:', true, 'ALERT_WEBHOOKS: must be a JSON array of {"url", "secret"} (it is not valid JSON)'],
    ['an unknown field', JSON.stringify([{ url: 'https://x.example.vn/', secret: SECRET_A, secrte: 'x' }]), true, 'ALERT_WEBHOOKS[0]: unknown field secrte'],
  ])('refuses %s', (_name, json, local, problem) => {
    const { receivers, problems } = parseWebhookReceivers(json, local);
    expect(receivers).toEqual([]);
    expect(problems).toContain(problem);
    expect(problems.join('\n')).not.toContain(SECRET_A);
  });

  it('allows plain HTTP in local mode (a receiver on the developer machine)', () => {
    expect(parseWebhookReceivers(JSON.stringify([{ url: 'http://127.0.0.1:9000/h', secret: SECRET_A }]), true).problems).toEqual([]);
  });
});
