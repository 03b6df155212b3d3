import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { NaiveDayCounter, NaiveRawEvent } from './naive-entities';

/** Read once at load time: a decorator needs its pattern before the module is built. */
export const NAIVE_TOPIC = process.env.NAIVE_TOPIC ?? 'bench.naive.events';

interface WireEvent {
  eventId: string;
  type: 'RECEIVED' | 'RESOLVED' | 'LATE';
  dossierId: string;
  unitCode: string;
  occurredAt: string;
  channel?: string;
  dueAt: string;
}

/**
 * The baseline of issue 6, written the way most NestJS Kafka services are: one `@EventPattern`
 * handler per message, a TypeORM `save` of the raw event, then a read-modify-write of the day's
 * counter row. No batching, no dedup beyond the primary key, no exactly-once: it exists to be
 * measured against, not to be correct.
 */
@Controller()
export class NaiveEventsController {
  constructor(
    @InjectRepository(NaiveRawEvent) private readonly events: Repository<NaiveRawEvent>,
    @InjectRepository(NaiveDayCounter) private readonly counters: Repository<NaiveDayCounter>,
  ) {}

  @EventPattern(NAIVE_TOPIC)
  async handle(@Payload() e: WireEvent): Promise<void> {
    if (!e || typeof e !== 'object' || !e.eventId) return;
    await this.events.save({
      eventId: e.eventId,
      type: e.type,
      dossierId: e.dossierId,
      unitCode: e.unitCode,
      occurredAt: new Date(e.occurredAt),
      channel: e.channel ?? null,
      dueAt: new Date(e.dueAt),
    });
    if (e.type === 'LATE') return;
    const at = Date.parse(e.occurredAt);
    const day = new Date(at + 7 * 3_600_000).toISOString().slice(0, 10);
    const row =
      (await this.counters.findOneBy({ unitCode: e.unitCode, day })) ?? this.counters.create({ unitCode: e.unitCode, day, receivedTotal: 0, receivedOnline: 0, resolvedTotal: 0, resolvedOnTime: 0 });
    if (e.type === 'RECEIVED') {
      row.receivedTotal++;
      if (e.channel === 'ONLINE') row.receivedOnline++;
    } else {
      row.resolvedTotal++;
      if (at <= Date.parse(e.dueAt)) row.resolvedOnTime++;
    }
    await this.counters.save(row);
  }
}
