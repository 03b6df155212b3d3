import { redactUrl, redactUrlsIn } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['https://hooks.example.vn/alerts', 'https://hooks.example.vn/alerts'],
    ['https://hooks.example.vn/alerts?token=s3cret&x=1', 'https://hooks.example.vn/alerts?***'],
    ['https://bot:p4ss@hooks.example.vn:8443/a/b', 'https://***@hooks.example.vn:8443/a/b'],
    ['https://token@hooks.example.vn/', 'https://***@hooks.example.vn/'],
    ['http://127.0.0.1:9/x#frag', 'http://127.0.0.1:9/x'],
    ['not a url', '[not a URL]'],
  ])('%s → %s', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown);
  });

  it('redacts every URL inside a message and leaves the rest', () => {
    expect(redactUrlsIn('HTTP 307 redirect to https://evil.example/x?key=abc not followed')).toBe('HTTP 307 redirect to https://evil.example/x?*** not followed');
  });
});
