import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NaiveDayCounter, NaiveRawEvent } from './naive-entities';
import { NaiveEventsController } from './naive-events.controller';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc',
      entities: [NaiveRawEvent, NaiveDayCounter],
      // The typical service lets TypeORM create its tables; the bench database is thrown away.
      synchronize: true,
    }),
    TypeOrmModule.forFeature([NaiveRawEvent, NaiveDayCounter]),
  ],
  controllers: [NaiveEventsController],
})
export class NaiveModule {}
