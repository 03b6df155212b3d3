import 'reflect-metadata';
import { startWorker } from '@tthc/infrastructure';
import { AggregatorModule } from './aggregator.module';

startWorker(AggregatorModule.register, { env: process.env }, { shutdownHooks: true }).catch((error) => {
  console.error(error);
  process.exit(1);
});
