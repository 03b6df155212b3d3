import { type DynamicModule, Module } from '@nestjs/common';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule } from '@tthc/infrastructure';
import { AggregatorSettings } from './aggregator.settings';
import { DossierBatchHandler } from './dossier-batch.handler';
import { ValidatedEventsController } from './kafka/validated-events.controller';
import { LiveSnapshotPublisher } from './live-snapshot.publisher';

@Module({})
export class AggregatorModule {
  static register(this: void, { env, databaseSchema, clock, transport, logDestination }: AppModuleOptions): DynamicModule {
    const settings = loadSettings(AggregatorSettings, env);
    return {
      module: AggregatorModule,
      imports: [InfrastructureModule.forRoot({ appName: 'aggregator', settings, databaseSchema, producer: true, clock, transport, logDestination })],
      controllers: [ValidatedEventsController],
      providers: [DossierBatchHandler, LiveSnapshotPublisher],
    };
  }
}
