import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadUnitCatalogue } from '@tthc/catalogue';
import type { GroundTruth, GroundTruthDay } from './ground-truth';
import { EVENTS_FILE, GROUND_TRUTH_FILE, writePeriodFile } from './period-file.writer';

const units = loadUnitCatalogue('86');

/** More disorder than the default, so a small period has every kind of it. */
const HEAVY = { duplicateShare: 0.02, resendShare: 0.01, reorderShare: 0.05, lateShare: 0.01, malformedShare: 0.01 };

interface Wire {
  eventId: string;
  type: string;
  dossierId: string;
  unitCode: string;
  occurredAt: string;
  channel?: string;
  dueAt: string;
}

/**
 * An independent recount of events.ndjson, written from PRODUCT.md and nothing of the pipeline:
 * skip lines whose value is not JSON, drop repeated eventIds, keep per dossier and fact the
 * earliest (occurredAt, eventId), and count it on its local day (UTC+7).
 */
function recount(file: string): { days: GroundTruthDay[]; malformed: number; lines: number; outOfOrder: number } {
  const seen = new Set<string>();
  const winners = new Map<string, { at: number; e: Wire }>();
  let malformed = 0;
  let lines = 0;
  let outOfOrder = 0;
  let lastAt = -Infinity;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    lines++;
    const record = JSON.parse(line) as { key: string; value: string };
    let e: Wire;
    try {
      e = JSON.parse(record.value) as Wire;
    } catch {
      malformed++;
      continue;
    }
    expect(record.key).toBe(e.dossierId);
    const at = Date.parse(e.occurredAt);
    if (at < lastAt) outOfOrder++;
    lastAt = Math.max(lastAt, at);
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    if (e.type === 'LATE') continue;
    const key = `${e.unitCode}|${e.dossierId}|${e.type}`;
    const current = winners.get(key);
    if (!current || at < current.at || (at === current.at && e.eventId < current.e.eventId)) winners.set(key, { at, e });
  }
  const rows = new Map<string, GroundTruthDay>();
  for (const { at, e } of winners.values()) {
    const day = new Date(at + 7 * 3_600_000).toISOString().slice(0, 10);
    const k = `${e.unitCode}|${day}`;
    const row = rows.get(k) ?? { unitCode: e.unitCode, day, receivedTotal: 0, receivedOnline: 0, receivedDirect: 0, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0 };
    rows.set(k, row);
    if (e.type === 'RECEIVED') {
      row.receivedTotal++;
      if (e.channel === 'ONLINE') row.receivedOnline++;
      else row.receivedDirect++;
    } else {
      row.resolvedTotal++;
      if (at <= Date.parse(e.dueAt)) row.resolvedOnTime++;
      else row.resolvedLate++;
    }
  }
  const days = [...rows.values()].sort((a, b) => a.unitCode.localeCompare(b.unitCode) || a.day.localeCompare(b.day));
  return { days, malformed, lines, outOfOrder };
}

describe('writePeriodFile (file mode)', () => {
  let dir: string;
  let truth: GroundTruth;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-file-'));
    // Tue 1 – Mon 14 July 2025: two weeks, so resolutions of the first days fall inside too.
    truth = writePeriodFile({ seed: 86, from: '2025-07-01', to: '2025-07-14', units, rateScale: 0.1, outDir: join(dir, 'a'), disorder: HEAVY });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a ground truth equal to an independent recount of its own file', () => {
    const onDisk = JSON.parse(readFileSync(join(dir, 'a', GROUND_TRUTH_FILE), 'utf8')) as GroundTruth;
    expect(onDisk).toEqual(truth);
    const r = recount(join(dir, 'a', EVENTS_FILE));
    expect(r.days).toEqual(truth.days);
    expect(r.lines).toBe(truth.lines);
    expect(r.malformed).toBe(truth.transport.malformed);
    expect(truth.totals.receivedTotal).toBe(truth.days.reduce((s, d) => s + d.receivedTotal, 0));
    expect(truth.totals.resolvedTotal).toBeGreaterThan(0);
    expect(truth.totals.resolvedLate).toBeGreaterThan(0);
  });

  it('carries every kind of disorder, and only adds copies', () => {
    const t = truth.transport;
    for (const kind of ['duplicates', 'resent', 'reordered', 'late', 'malformed'] as const) expect(t[kind]).toBeGreaterThan(0);
    expect(truth.lines).toBe(t.clean + t.duplicates + t.resent + t.malformed);
    expect(recount(join(dir, 'a', EVENTS_FILE)).outOfOrder).toBeGreaterThan(0);
    expect(truth.days.every((d) => d.day >= '2025-07-01' && d.day <= '2025-07-14')).toBe(true);
  });

  it('writes the same bytes for the same seed', () => {
    writePeriodFile({ seed: 86, from: '2025-07-01', to: '2025-07-14', units, rateScale: 0.1, outDir: join(dir, 'b'), disorder: HEAVY });
    expect(readFileSync(join(dir, 'b', EVENTS_FILE)).equals(readFileSync(join(dir, 'a', EVENTS_FILE)))).toBe(true);
  });
});
