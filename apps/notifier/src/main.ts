import 'reflect-metadata';
import { exitOnStartupFailure, startWorker } from '@tthc/infrastructure';
import { NotifierModule } from './notifier.module';

startWorker(NotifierModule.register, { env: process.env }, { shutdownHooks: true }).catch(exitOnStartupFailure('notifier'));
