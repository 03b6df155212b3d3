import { randomBytes } from 'node:crypto';
import { type INestApplicationContext, type Provider, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Kafka, type KafkaMessage } from 'kafkajs';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { type CommonSettings, loadSettings } from '@tthc/config';
import { type Clock, InfrastructureModule } from '@tthc/infrastructure';
import type { AppName } from '@tthc/observability';
import { createKafka } from '@tthc/messaging';
import { upsertUnits } from '@tthc/persistence';
import { createLogger } from '@tthc/platform';
import { fixedClock } from './pipeline-harness';
import { ScratchDatabase } from './scratch-database';

/**
 * One handler of a worker app with the real infrastructure around it (PostgreSQL in a scratch
 * schema with the Vĩnh Long catalogue, Kafka with fresh topics, Redis): for integration specs
 * beside the handlers, which call the handler directly with batches they build.
 */
export class WorkerContext {
  private constructor(
    readonly db: ScratchDatabase,
    readonly kafka: Kafka,
    readonly env: Record<string, string | undefined>,
    readonly app: INestApplicationContext,
  ) {}

  /** `now`: a fixed instant, or a clock the spec moves. `env`: settings of the spec's own over the context's (a webhook receiver, say). */
  static async create<S extends CommonSettings>(appName: AppName, settingsClass: Type<S>, providers: Provider[], now: string | Clock, env: Record<string, string> = {}): Promise<WorkerContext> {
    const id = randomBytes(4).toString('hex');
    const db = await ScratchDatabase.create();
    await upsertUnits(db.dataSource, loadUnitCatalogue());
    const topics = { TOPIC_VALIDATED: `int.${id}.validated`, TOPIC_DLQ: `int.${id}.dlq`, TOPIC_EVENTS: `int.${id}.events`, TOPIC_ALERTS: `int.${id}.alerts` };
    const full: Record<string, string | undefined> = { ...process.env, ...topics, REDIS_KEY_PREFIX: `int-${id}`, LOG_LEVEL: 'error', ...env };
    const kafka = createKafka(full.KAFKA_BROKERS!, `int-${id}`, createLogger('int', 'error'));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })) });
    await admin.disconnect();
    const settings = loadSettings(settingsClass, full);
    const moduleRef = await Test.createTestingModule({
      imports: [InfrastructureModule.forRoot({ appName, settings, databaseSchema: db.schema, producer: true, clock: typeof now === 'string' ? fixedClock(now) : now })],
      providers,
    }).compile();
    const app = await moduleRef.init();
    return new WorkerContext(db, kafka, full, app);
  }

  /** Every message now on `topic`. */
  async read(topic: string): Promise<KafkaMessage[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const wanted = Number(end.high);
    if (wanted === 0) return [];
    const consumer = this.kafka.consumer({ groupId: `int-reader-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${wanted} on ${topic}`)), 20_000);
      void consumer.run({ eachMessage: async ({ message }) => void (seen.push(message) >= wanted && (clearTimeout(timer), resolve())) });
    });
    await consumer.disconnect();
    return seen;
  }

  async close(): Promise<void> {
    await this.app.close();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.env.TOPIC_VALIDATED!, this.env.TOPIC_DLQ!, this.env.TOPIC_EVENTS!, this.env.TOPIC_ALERTS!] }).catch(() => undefined);
    await admin.disconnect();
    await this.db.close();
  }
}

/** A batch as kafkajs hands it over: consecutive offsets from `first`. */
export function batchOf(topic: string, values: (string | Buffer)[], first = 0, key = 'k'): { topic: string; partition: number; messages: KafkaMessage[]; nextOffset: string } {
  const messages = values.map((value, i) => ({ key: Buffer.from(key), value: Buffer.from(value), offset: String(first + i), timestamp: '0', attributes: 0, headers: {} }));
  return { topic, partition: 0, messages, nextOffset: String(first + values.length) };
}
