import { classifyResponse, splitCredentials } from './webhook-delivery.worker';

describe('classifyResponse', () => {
  it.each<[number, boolean, boolean | undefined]>([
    [200, true, undefined],
    [204, true, undefined],
    [500, false, true],
    [503, false, true],
    [408, false, true],
    [429, false, true],
    [400, false, false],
    [401, false, false],
    [404, false, false],
    [302, false, false],
    [307, false, false],
    [308, false, false],
  ])('HTTP %i → ok %s, recoverable %s', (status, ok, recoverable) => {
    const o = classifyResponse(status);
    expect(o.ok).toBe(ok);
    if (!o.ok) expect(o.recoverable).toBe(recoverable);
  });
});

describe('a redirect', () => {
  it('is a failure that names where it pointed, without its query', () => {
    expect(classifyResponse(307, 'https://elsewhere.example/collect?token=abc')).toEqual({
      ok: false,
      status: 307,
      error: 'HTTP 307 redirect to https://elsewhere.example/collect?*** not followed',
      recoverable: false,
    });
  });
});

describe('a receiver URL with user-info', () => {
  it('is sent without it, as Basic authorization', () => {
    expect(splitCredentials('https://hook%40user:p%3Ass@hooks.example.vn/x?t=1')).toEqual({
      url: 'https://hooks.example.vn/x?t=1',
      authorization: `Basic ${Buffer.from('hook@user:p:ss').toString('base64')}`,
    });
    expect(splitCredentials('https://hooks.example.vn/x')).toEqual({ url: 'https://hooks.example.vn/x' });
  });
});
