import 'reflect-metadata';
import { startWorker } from '@tthc/infrastructure';
import { IngestModule } from './ingest.module';

startWorker(IngestModule.register, { env: process.env }, { shutdownHooks: true }).catch((error) => {
  console.error(error);
  process.exit(1);
});
