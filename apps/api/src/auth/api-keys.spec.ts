import { createHash } from 'node:crypto';
import { API_KEYS_PATTERN, LOCAL_API_KEYS_SPEC, apiKeyProblems, keyDigest, parseApiKeys } from './api-keys';

const hex = (key: string) => createHash('sha256').update(key).digest('hex');

describe('API_KEYS', () => {
  it.each([
    [`ops:operator:${hex('k')}`, true],
    [`ops-1.b_c:operator|auditor:${hex('k')},ioc:ioc:${hex('j')}`, true],
    ['ops:operator:not-a-hash', false],
    [`Ops:operator:${hex('k')}`, false],
    [`ops:root:${hex('k')}`, false],
    [`local-ioc-key=ioc`, false],
    [`ops:operator:${hex('k')},`, false],
  ])('%s matches: %s', (spec, ok) => {
    expect(API_KEYS_PATTERN.test(spec)).toBe(ok);
  });

  it('parses names, roles and digests', () => {
    const [k] = parseApiKeys(`ops:operator|auditor:${hex('the-key')}`);
    expect(k.name).toBe('ops');
    expect([...k.roles]).toEqual(['operator', 'auditor']);
    expect(k.digest.equals(keyDigest('the-key'))).toBe(true);
  });

  it('has the four published local keys, allowed in local mode only', () => {
    const local = parseApiKeys(LOCAL_API_KEYS_SPEC);
    expect(local.map((k) => k.name)).toEqual(['local-ioc', 'local-operator', 'local-auditor', 'local-admin']);
    expect(local[3].digest.toString('hex')).toBe(hex('local-admin-key'));
    expect(apiKeyProblems(local, true)).toEqual([]);
    expect(apiKeyProblems(local, false)).toHaveLength(4);
  });

  it('refuses a reused name or hash', () => {
    expect(apiKeyProblems(parseApiKeys(`a:ioc:${hex('x')},a:ioc:${hex('y')},b:ioc:${hex('x')}`), true)).toEqual([
      'API_KEYS: the name a is used twice; each key needs its own name (it is recorded as the actor)',
      'API_KEYS: the key named b has the same hash as another entry',
    ]);
  });
});
