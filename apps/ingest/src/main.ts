import 'reflect-metadata';
import { exitOnStartupFailure, startWorker } from '@tthc/infrastructure';
import { IngestModule } from './ingest.module';

startWorker(IngestModule.register, { env: process.env }, { shutdownHooks: true }).catch(exitOnStartupFailure('ingest'));
