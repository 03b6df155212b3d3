import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertMessage } from '@tthc/contracts';
import { LOGGER } from '@tthc/infrastructure';
import { lastTransitionId, transitionMessagesAfter } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';

export interface StreamClient {
  /** The last transition id this client has been sent (its Last-Event-ID). */
  cursor: number;
  send(message: AlertMessage): void;
}

const POLL_MS = 150;
const PAGE = 500;

/**
 * Feeds the SSE stream from the transitions table, polled by one loop per API instance while
 * anyone listens. Polling, not a `tthc.alerts` consumer, because the table is what reconnects
 * replay from (Last-Event-ID): one source for live and replay means a client can never see an
 * id twice or miss one between the two, and acknowledgements made through this API appear at
 * once without waiting for the notifier to publish them. Writers hold the alert-log lock, so
 * ids become visible in increasing order and "after id N" is exact. Cost: one indexed range
 * query per 150 ms per instance, whatever the number of clients.
 */
@Injectable()
export class AlertStreamFeed implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly clients = new Set<StreamClient>();
  private readonly closers = new Set<() => void>();
  private head = -1;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The id a new client without Last-Event-ID starts after: only what happens from now on. */
  currentHead(): Promise<number> {
    return lastTransitionId(this.dataSource);
  }

  subscribe(client: StreamClient): () => void {
    this.clients.add(client);
    this.arm(0);
    return () => this.clients.delete(client);
  }

  /** Called at shutdown: open streams must end, or the HTTP server waits on them forever. */
  onClose(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  beforeApplicationShutdown(): void {
    for (const close of this.closers) close();
    this.closers.clear();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    if (this.stopped || this.polling || this.clients.size === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      if (this.head < 0) this.head = await lastTransitionId(this.dataSource);
      // Clients behind the shared head (just reconnected with an older Last-Event-ID) catch up on their own first.
      for (const c of [...this.clients].filter((x) => x.cursor < this.head)) {
        const rows = await transitionMessagesAfter(this.dataSource, c.cursor, PAGE, this.head);
        this.deliver(c, rows);
      }
      for (;;) {
        const rows = await transitionMessagesAfter(this.dataSource, this.head, PAGE);
        if (rows.length === 0) break;
        for (const c of this.clients) if (c.cursor >= this.head) this.deliver(c, rows);
        this.head = rows[rows.length - 1].transitionId;
        if (rows.length < PAGE) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'alert stream poll failed; retrying');
    } finally {
      this.polling = false;
      const behind = [...this.clients].some((c) => c.cursor < this.head);
      this.arm(behind ? 0 : POLL_MS);
    }
  }

  private deliver(c: StreamClient, rows: (AlertMessage & { notify?: boolean })[]): void {
    for (const row of rows) {
      if (row.transitionId <= c.cursor) continue;
      const { notify: _notify, ...message } = row;
      c.send(message);
      c.cursor = row.transitionId;
    }
  }
}
