import { type DynamicModule, Module } from '@nestjs/common';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule } from '@tthc/infrastructure';
import { IngestBatchHandler } from './ingest-batch.handler';
import { IngestSettings } from './ingest.settings';
import { DossierEventsController } from './kafka/dossier-events.controller';

@Module({})
export class IngestModule {
  static register(this: void, { env, databaseSchema, clock, transport, logDestination }: AppModuleOptions): DynamicModule {
    const settings = loadSettings(IngestSettings, env);
    return {
      module: IngestModule,
      imports: [InfrastructureModule.forRoot({ appName: 'ingest', settings, databaseSchema, producer: true, clock, transport, logDestination })],
      controllers: [DossierEventsController],
      providers: [IngestBatchHandler],
    };
  }
}
