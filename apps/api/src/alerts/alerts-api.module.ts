import { Module } from '@nestjs/common';
import { AlertStreamFeed } from './alert-stream.feed';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { SilencesController } from './silences.controller';
import { StreamSlots } from './stream-slots';

/** Everything under /api/v1/alerts (listing, summary, history, acknowledgement, silences, the SSE stream). */
@Module({
  // SilencesController first: its static path must win over AlertsController's /alerts/:id.
  controllers: [SilencesController, AlertsController],
  providers: [AlertsService, AlertStreamFeed, StreamSlots],
})
export class AlertsApiModule {}
