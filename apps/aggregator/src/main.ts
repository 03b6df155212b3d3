import 'reflect-metadata';
import { exitOnStartupFailure, startWorker } from '@tthc/infrastructure';
import { AggregatorModule } from './aggregator.module';

startWorker(AggregatorModule.register, { env: process.env }, { shutdownHooks: true }).catch(exitOnStartupFailure('aggregator'));
