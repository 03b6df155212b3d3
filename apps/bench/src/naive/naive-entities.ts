import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The raw event, one row per message, as a typical service stores it. */
@Entity({ name: 'naive_raw_events' })
export class NaiveRawEvent {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId: string;

  @Column('text')
  type: string;

  @Column('text', { name: 'dossier_id' })
  dossierId: string;

  @Column('text', { name: 'unit_code' })
  unitCode: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text', { nullable: true })
  channel: string | null;

  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;
}

/** A per-unit, per-day counter row, read, modified and saved back per event. */
@Entity({ name: 'naive_day_counters' })
export class NaiveDayCounter {
  @PrimaryColumn('text', { name: 'unit_code' })
  unitCode: string;

  @PrimaryColumn('date')
  day: string;

  @Column('int', { default: 0 }) receivedTotal: number;
  @Column('int', { default: 0 }) receivedOnline: number;
  @Column('int', { default: 0 }) resolvedTotal: number;
  @Column('int', { default: 0 }) resolvedOnTime: number;
}
