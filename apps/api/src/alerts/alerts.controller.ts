import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Actor, AllowsQueryKey, type AuthenticatedRequest } from '../auth/auth.metadata';
import { Roles } from '../auth/roles';
import { AlertStreamFeed } from './alert-stream.feed';
import { AckBody, AlertsQuery, DeliveriesQuery, NotificationsQuery } from './alerts.dto';
import { AlertsService } from './alerts.service';
import { StreamSlots } from './stream-slots';

const HEARTBEAT_MS = 15_000;
/** A stream's slot outlives three missed heartbeats at most (an api replica that died). */
const SLOT_STALE_MS = 3 * HEARTBEAT_MS;

/** /api/v1/alerts: list, grouped summary, grouped notifications, the live stream, one alert with its history, acknowledgement. */
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly feed: AlertStreamFeed,
    private readonly slots: StreamSlots,
  ) {}

  @Get()
  @Roles('operator', 'ioc', 'auditor')
  list(@Query() q: AlertsQuery) {
    return this.alerts.list(q);
  }

  @Get('summary')
  @Roles('operator', 'ioc', 'auditor')
  summary() {
    return this.alerts.summary();
  }

  /** Webhook deliveries (newest first): a receiver that stopped answering shows up as DEAD records. */
  @Get('deliveries')
  @Roles('operator', 'auditor')
  deliveries(@Query() q: DeliveriesQuery) {
    return this.alerts.deliveries(q);
  }

  /**
   * Grouped notifications (issue 15), newest first: what the webhook receivers were told, one
   * message per rule per interval, with how many units each listed.
   */
  @Get('notifications')
  @Roles('operator', 'auditor')
  notifications(@Query() q: NotificationsQuery) {
    return this.alerts.notifications(q);
  }

  /** One grouped notification, its body as the receivers got it. */
  @Get('notifications/:id')
  @Roles('operator', 'auditor')
  notification(@Param('id', new ParseIntPipe()) id: number) {
    return this.alerts.notification(id);
  }

  /**
   * Server-sent events: `id:` transitionId, `event: alert`, `data:` the AlertMessage JSON.
   * A reconnecting EventSource sends `Last-Event-ID` and gets every transition after it, from
   * PostgreSQL, then the live ones; a new client gets only what happens from now on. The
   * parameters are read by hand: EventSource adds `?apiKey=`, which the DTO pipe would refuse.
   * The only route that accepts the key in the URL; a key holds at most MAX_STREAMS_PER_KEY
   * streams at once (429 beyond), across api replicas.
   */
  @Get('stream')
  @Roles('operator', 'ioc')
  @AllowsQueryKey()
  async stream(@Req() req: IncomingMessage & AuthenticatedRequest & { query: Record<string, unknown> }, @Res() res: ServerResponse): Promise<void> {
    const header = req.headers['last-event-id'];
    const fromQuery = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
    const lastEventId = (Array.isArray(header) ? header[0] : header) ?? fromQuery;
    if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId)) {
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ statusCode: 400, message: 'Last-Event-ID must be a transition id (a non-negative integer)' }));
      return;
    }
    const keyName = req.apiKey!.name;
    const streamId = randomUUID();
    if (!(await this.slots.acquire(keyName, streamId, SLOT_STALE_MS))) {
      res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': String(HEARTBEAT_MS / 1000) });
      res.end(JSON.stringify({ statusCode: 429, message: `this API key already holds ${this.slots.limit} open streams; close one first` }));
      return;
    }
    let cursor: number;
    try {
      cursor = lastEventId !== undefined ? Number(lastEventId) : await this.feed.currentHead();
    } catch (err) {
      await this.slots.release(keyName, streamId);
      throw err;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx and similar proxies buffer responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 3000\n: connected after ${cursor}\n\n`);
    const unsubscribe = this.feed.subscribe({
      cursor,
      send: (m) => res.write(`id: ${m.transitionId}\nevent: alert\ndata: ${JSON.stringify(m)}\n\n`),
    });
    // A comment line now and then keeps idle proxies and load balancers from closing the stream.
    const heartbeat = setInterval(() => {
      res.write(': ping\n\n');
      void this.slots.refresh(keyName, streamId, SLOT_STALE_MS).catch(() => undefined);
    }, HEARTBEAT_MS);
    const forget = this.feed.onClose(() => res.end());
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      forget();
      void this.slots.release(keyName, streamId).catch(() => undefined);
    };
    req.on('close', close);
    res.on('close', close);
    // A client that left while the stream was being set up (the awaits above) has already had its
    // 'close': without this the heartbeat would run forever and keep refreshing the key's slot.
    if (req.destroyed || res.destroyed) close();
  }

  @Get(':id')
  @Roles('operator', 'ioc', 'auditor')
  one(@Param('id', new ParseUUIDPipe({ version: undefined })) id: string) {
    return this.alerts.one(id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('operator')
  ack(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: AckBody, @Actor() actor: string) {
    return this.alerts.acknowledge(id, body, actor);
  }
}
