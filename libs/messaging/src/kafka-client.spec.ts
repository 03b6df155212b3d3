import { kafkaSecurityOptions } from './kafka-client';

describe('kafkaSecurityOptions', () => {
  it('adds nothing for a plaintext broker', () => {
    expect(kafkaSecurityOptions({ KAFKA_SSL: false })).toEqual({});
  });

  it('turns on TLS with the system CAs, or with the CA file given', () => {
    expect(kafkaSecurityOptions({ KAFKA_SSL: true })).toEqual({ ssl: true });
    const read = (path: string) => `PEM of ${path}`;
    expect(kafkaSecurityOptions({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/etc/tthc/kafka-ca.pem' }, read)).toEqual({ ssl: { ca: ['PEM of /etc/tthc/kafka-ca.pem'] } });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('passes SASL %s with the app principal', (mechanism) => {
    const o = kafkaSecurityOptions({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'tthc-ingest', KAFKA_SASL_PASSWORD: 'pw' });
    expect(o).toEqual({ ssl: true, sasl: { mechanism, username: 'tthc-ingest', password: 'pw' } });
  });
});
