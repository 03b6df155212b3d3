import 'reflect-metadata';
import { startWorker } from '@tthc/infrastructure';
import { NotifierModule } from './notifier.module';

startWorker(NotifierModule.register, { env: process.env }, { shutdownHooks: true }).catch((error) => {
  console.error(error);
  process.exit(1);
});
