import { BadRequestException } from '@nestjs/common';
import { type LocalDate, daysBetweenInclusive, startOfMonth } from '@tthc/domain';

/** Fills defaults (month-to-date) and rejects an inverted or over-long range with a 400 that says so. */
export function resolveRange(q: { from?: string; to?: string }, today: LocalDate, maxDays: number): { from: LocalDate; to: LocalDate } {
  const to = q.to ?? today;
  const from = q.from ?? startOfMonth(to);
  if (from > to) throw new BadRequestException(`from (${from}) is after to (${to})`);
  const days = daysBetweenInclusive(from, to);
  if (days > maxDays) throw new BadRequestException(`the range covers ${days} days; at most ${maxDays} are allowed`);
  return { from, to };
}
