import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AggregatorSettings } from '../apps/aggregator/src/aggregator.settings';
import { ApiSettings } from '../apps/api/src/api.settings';
import { IngestSettings } from '../apps/ingest/src/ingest.settings';
import { NotifierSettings } from '../apps/notifier/src/notifier.settings';
import { CommonSettings } from '@tthc/config';

/** deploy/README.md's settings table names every setting an app reads (issue 13: every setting with its default). */
describe('deploy/README.md settings table', () => {
  const guide = readFileSync(join(__dirname, '..', 'deploy/README.md'), 'utf8');
  const rows = guide.split('\n').filter((l) => l.startsWith('| `'));
  const documented = new Set(rows.flatMap((r) => [...r.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])));
  const settings = [CommonSettings, IngestSettings, AggregatorSettings, NotifierSettings, ApiSettings].flatMap((cls) => Object.keys(new cls()));

  it('reads the settings from the classes (optional ones included)', () => {
    expect(settings).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'HEALTH_PORT', 'KAFKA_SASL_PASSWORD', 'METRICS_PORT', 'ALERT_RULES']));
  });

  it.each([...new Set(settings)])('documents %s', (name) => {
    expect(documented.has(name)).toBe(true);
  });
});
