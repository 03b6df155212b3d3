import { PrivateBroker, PrivatePostgres, PrivateRedis } from '@tthc/process-kit';
import { log } from './fault-log';

/**
 * The runner's own Kafka broker, PostgreSQL cluster and Redis on spare ports: every fault
 * (kill -9 of the broker, PostgreSQL stopped, Redis flushed) lands on these, never on the
 * shared services of the machine.
 */
export class FaultInfra {
  private constructor(
    readonly broker: PrivateBroker,
    readonly postgres: PrivatePostgres,
    readonly redis: PrivateRedis,
  ) {}

  static async start(): Promise<FaultInfra> {
    const started = Date.now();
    const [broker, postgres, redis] = await Promise.all([PrivateBroker.start(), PrivatePostgres.start(), PrivateRedis.start()]);
    log(`private infrastructure up in ${((Date.now() - started) / 1000).toFixed(1)} s: Kafka ${broker.brokers}, PostgreSQL :${postgres.port}, Redis :${redis.port}`);
    return new FaultInfra(broker, postgres, redis);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.broker.destroy(), this.postgres.destroy(), this.redis.destroy()]);
  }
}
