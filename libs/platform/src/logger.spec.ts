import { Writable } from 'node:stream';
import { REDACTED, createLogger, redactCredentials } from './logger';

/** The lines a logger wrote, parsed. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('redactCredentials', () => {
  it.each([
    ['postgres://tthc:s3cret@db.internal:5432/tthc', `postgres://tthc:${REDACTED}@db.internal:5432/tthc`],
    ['postgres://postgres@127.0.0.1:5432/tthc', 'postgres://postgres@127.0.0.1:5432/tthc'],
    ['rediss://:hunter2@redis:6380', `rediss://:${REDACTED}@redis:6380`],
    ['/api/v1/alerts/stream?apiKey=local-ioc-key&x=1', `/api/v1/alerts/stream?apiKey=${REDACTED}&x=1`],
    ['https://hooks.example/a?token=abc#f', `https://hooks.example/a?token=${REDACTED}#f`],
    ['https://bot:pw@hooks.example/a,https://b.example/x', `https://bot:${REDACTED}@hooks.example/a,https://b.example/x`],
  ])('%s → %s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });
});

describe('createLogger redaction', () => {
  it('keeps secrets out of the output and says where they were', () => {
    const out = capture();
    const logger = createLogger('test', 'info', out.stream);
    logger.info(
      {
        req: { method: 'GET', url: '/api/v1/alerts/stream?apiKey=key-in-query', headers: { 'x-api-key': 'key-in-header', authorization: 'Bearer tok' } },
        settings: { DATABASE_URL: 'postgres://tthc:db-password@db/tthc', ALERT_WEBHOOKS: '[{"url":"https://h.example/x","secret":"webhook-secret-123"}]', API_KEYS: 'abcdefgh=admin' },
        apiKey: 'top-level-key',
      },
      'a request',
    );
    const text = out.text();
    for (const secret of ['key-in-query', 'key-in-header', 'Bearer tok', 'db-password', 'webhook-secret-123', 'abcdefgh=admin', 'top-level-key']) {
      expect(text).not.toContain(secret);
    }
    const [line] = out.lines() as { req: { url: string; headers: Record<string, string> }; settings: Record<string, string>; msg: string }[];
    expect(line.req.headers['x-api-key']).toBe(REDACTED);
    expect(line.settings.ALERT_WEBHOOKS).toBe(REDACTED);
    expect(line.settings.DATABASE_URL).toBe(`postgres://tthc:${REDACTED}@db/tthc`);
    expect(line.req.url).toBe(`/api/v1/alerts/stream?apiKey=${REDACTED}`);
    expect(line.msg).toBe('a request');
  });
});
