import { classifyResponse } from './webhook-delivery.worker';

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
  ])('HTTP %i → ok %s, recoverable %s', (status, ok, recoverable) => {
    const o = classifyResponse(status);
    expect(o.ok).toBe(ok);
    if (!o.ok) expect(o.recoverable).toBe(recoverable);
  });
});
