import { type DynamicModule, Module } from '@nestjs/common';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule } from '@tthc/infrastructure';
import { IngestBatchHandler } from './ingest-batch.handler';
import { IngestSettings } from './ingest.settings';
import { DossierEventsConsumer } from './kafka/dossier-events.consumer';

@Module({})
export class IngestModule {
  static register({ env, databaseSchema, clock }: AppModuleOptions): DynamicModule {
    const settings = loadSettings(IngestSettings, env);
    return {
      module: IngestModule,
      imports: [InfrastructureModule.forRoot({ appName: 'ingest', settings, databaseSchema, producer: true, clock })],
      providers: [IngestBatchHandler, DossierEventsConsumer],
    };
  }
}
