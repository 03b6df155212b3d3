import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { CommonSettings, IntSetting } from '@tthc/config';

export class AggregatorSettings extends CommonSettings {
  @IsString()
  @IsNotEmpty()
  AGGREGATOR_GROUP_ID = 'tthc-aggregator';

  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(64)
  AGGREGATOR_PARTITIONS_CONCURRENTLY = 2;

  /** How often the units touched by recent batches get their live snapshot recomputed. */
  @IntSetting()
  @IsInt()
  @Min(50)
  @Max(60_000)
  LIVE_FLUSH_MS = 300;

  /**
   * While the aggregator catches up on a backlog, the most of the time the live snapshot's
   * partial recomputes may spend querying (RecomputePacer): after queries of D ms the next
   * recompute waits D × (100 − p) / p ms. Live traffic is never held back; 100 turns it off.
   */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(100)
  LIVE_FLUSH_MAX_DUTY_PERCENT = 20;

  /**
   * How often every unit's snapshot is recomputed from all its day rows, even with no new
   * events: overdue dossiers appear as deadlines pass, "today" rolls over at local midnight, and
   * an audit replay may rewrite past days. A tenth of the units every LIVE_REFRESH_MS / 10, so
   * no single flush carries all of them.
   */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  LIVE_REFRESH_MS = 15_000;
}
