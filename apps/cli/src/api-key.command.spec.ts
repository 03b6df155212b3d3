import { createHash } from 'node:crypto';
import { KeyUsageError, apiKeyEntry, newApiKey } from './api-key.command';

describe('API key entries', () => {
  it('is name:roles:sha256 of the key', () => {
    const key = 'tthc_an-operator-key-for-the-centre';
    const hex = createHash('sha256').update(key).digest('hex');
    expect(apiKeyEntry('ops-trung-tam', 'operator|auditor', key)).toBe(`ops-trung-tam:operator|auditor:${hex}`);
  });

  it('makes 256-bit keys', () => {
    const key = newApiKey(() => Buffer.alloc(32, 7));
    expect(key).toBe(`tthc_${Buffer.alloc(32, 7).toString('base64url')}`);
    expect(newApiKey()).not.toBe(newApiKey());
  });

  it.each([
    ['Ops Team', 'operator', 'tthc_a-key-of-twenty-chars', /--name/],
    ['ops', 'superuser', 'tthc_a-key-of-twenty-chars', /--roles/],
    ['ops', undefined, 'tthc_a-key-of-twenty-chars', /--roles/],
    ['ops', 'ioc', 'short', /at least 20/],
  ])('refuses name %s, roles %s', (name, roles, key, message) => {
    expect(() => apiKeyEntry(name, roles, key)).toThrow(KeyUsageError);
    expect(() => apiKeyEntry(name, roles, key)).toThrow(message);
  });
});
