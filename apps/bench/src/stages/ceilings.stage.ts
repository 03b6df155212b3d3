import type { Kafka, Message } from 'kafkajs';
import { loadavg } from 'node:os';
import { connectAdmin, createTopic, log, round } from '../bench-kit';
import { javaConsumerCeiling, javaProducerCeiling, kafkajsConsumerCeiling, kafkajsProducerCeiling } from '../ceilings';

export interface Ceilings {
  recordSize: number;
  javaProduce: number;
  javaConsume: number;
  kafkajsProduce: number;
  kafkajsConsumeParse: number;
  load: number;
}

/** Stage 2: what the broker and kafkajs alone do with the same record count and size. */
export async function measureCeilings(kafka: Kafka, brokers: string, runId: string, messages: Message[]): Promise<Ceilings> {
  const records = messages.length;
  const recordSize = round(messages.reduce((s, m) => s + (m.value as string).length, 0) / records);
  const admin = await connectAdmin(kafka);
  const javaTopic = `bench.${runId}.ceiling-java`;
  const jsTopic = `bench.${runId}.ceiling-kafkajs`;
  try {
    await createTopic(admin, javaTopic);
    await createTopic(admin, jsTopic);
    log(`ceilings: ${records} records of ${recordSize} bytes`);
    const javaProduce = await javaProducerCeiling(brokers, javaTopic, records, recordSize);
    const javaConsume = await javaConsumerCeiling(brokers, javaTopic, records);
    const jsProduce = await kafkajsProducerCeiling(kafka, jsTopic, messages);
    const jsConsume = await kafkajsConsumerCeiling(kafka, jsTopic, `bench-${runId}-ceiling`, records);
    return { recordSize, javaProduce: round(javaProduce), javaConsume: round(javaConsume), kafkajsProduce: round(jsProduce), kafkajsConsumeParse: round(jsConsume), load: loadavg()[0] };
  } finally {
    await admin.deleteTopics({ topics: [javaTopic, jsTopic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
