import { readFileSync } from 'node:fs';
import { type Admin, Kafka, type KafkaConfig, logLevel, type LogEntry, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from '@tthc/platform';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

const LIMITED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** How to reach secured brokers (deploy/README.md, Kafka): the KAFKA_SSL* and KAFKA_SASL_* settings. */
export interface KafkaSecurity {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

/** kafkajs' `ssl` and `sasl` options from the settings; nothing for a plaintext broker. */
export function kafkaSecurityOptions(s: KafkaSecurity, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (s.KAFKA_SSL) out.ssl = s.KAFKA_SSL_CA_FILE ? { ca: [readFile(s.KAFKA_SSL_CA_FILE)] } : true;
  if (s.KAFKA_SASL_MECHANISM) {
    const credentials = { username: s.KAFKA_SASL_USERNAME ?? '', password: s.KAFKA_SASL_PASSWORD ?? '' };
    out.sasl =
      s.KAFKA_SASL_MECHANISM === 'plain'
        ? { mechanism: 'plain', ...credentials }
        : s.KAFKA_SASL_MECHANISM === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', ...credentials }
          : { mechanism: 'scram-sha-512', ...credentials };
  }
  return out;
}

/**
 * How every producer of the project is made (issue 11): idempotent, so a send kafkajs retries
 * after a lost acknowledgement or a leader change is written once and in order (the broker
 * de-duplicates by producer id and sequence); that needs acks=all on every send (kafkajs refuses
 * otherwise, and every send here passes `acks: -1`) and at most one produce request in flight per
 * connection, as KIP-98 specifies for it — kafkajs serialises an idempotent producer's requests
 * per broker anyway. Retries stay the client's bounded ones (createKafka), not kafkajs'
 * unbounded idempotent default: a send that gives up fails its batch, which the batch consumer
 * retries whole as transient; kafkajs rolls the sequence numbers back first, so a record that did
 * land is recognised by the broker as a duplicate, and after a restart (a new producer id) every
 * consumer of our topics is an idempotent receiver anyway. The Java-compatible murmur2
 * partitioner keeps key → partition the same as Java producers.
 */
export function createProducer(kafka: Kafka, metadataMaxAge?: number): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // New partitions of a topic are written to only once the producer's metadata is refreshed.
    ...(metadataMaxAge !== undefined ? { metadataMaxAge } : {}),
  });
}

/** A kafkajs client whose log lines go through the app's structured logger. */
export function createKafka(brokers: string, clientId: string, logger: Logger, security?: KafkaSecurity): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    ...(security ? kafkaSecurityOptions(security) : {}),
    // kafkajs' INFO is chatty about every join/commit; keep WARN+ unless debugging.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        // Said at every start of an idempotent producer with bounded retries: chosen on purpose (createProducer).
        if (message === LIMITED_RETRIES_WARNING) return;
        logger[LEVELS[level] ?? 'info']({ kafka: namespace, ...extra }, message);
      },
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

/** Runs `work` with an admin client of `kafka`, connected for it and disconnected after. */
export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
