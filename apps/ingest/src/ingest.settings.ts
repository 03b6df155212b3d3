import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { CommonSettings, IntSetting } from '@tthc/config';

export class IngestSettings extends CommonSettings {
  @IsString()
  @IsNotEmpty()
  INGEST_GROUP_ID = 'tthc-ingest';

  /** Messages larger than this are rejected as PAYLOAD_TOO_LARGE (a v1 event is ~350 bytes). */
  @IntSetting()
  @IsInt()
  @Min(512)
  @Max(1_000_000)
  MAX_EVENT_BYTES = 16_384;

  /** How far ahead of our clock an occurredAt may be (source clock skew) before OCCURRED_IN_FUTURE. */
  @IntSetting()
  @IsInt()
  @Min(0)
  MAX_FUTURE_SKEW_SECONDS = 300;

  /**
   * Partitions handled at once. kafkajs fetches the next records only once every batch of the
   * last fetch is done, so with fewer than the topic's partitions (6) a fetch is handled in
   * waves, each waiting on PostgreSQL and the validated topic's acknowledgement, and an event
   * waits for all of them: 2 left 500 events/s ~0.4 s behind on the validated topic.
   */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(64)
  INGEST_PARTITIONS_CONCURRENTLY = 6;
}
