import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costByArea } from './cpuprofile-summary';

describe('costByArea', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cpuprofile-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** root → handle → { sendSized → encodeRecord (kafkajs), decodeDossierEvent }, root → processData (kafkajs), root → (idle), root → (garbage collector). */
  const profile = (samples: number[]) => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const file = join(dir, `p${samples.join('')}.cpuprofile`);
    writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          frame(1, '(root)', '', [2, 6, 7, 8]),
          frame(2, 'handle', 'file:///app/dist/apps/ingest/src/ingest-batch.handler.js', [3, 5]),
          frame(3, 'sendSized', 'file:///app/dist/libs/messaging/src/sized-send.js', [4]),
          frame(4, 'encodeRecord', 'file:///app/node_modules/kafkajs/src/protocol/recordBatch/record/v0/index.js'),
          frame(5, 'decodeDossierEvent', 'file:///app/dist/libs/contracts/src/decode-dossier-event.js'),
          frame(6, 'processData', 'file:///app/node_modules/kafkajs/src/network/connection.js'),
          frame(7, '(idle)', ''),
          frame(8, '(garbage collector)', ''),
        ],
        samples,
      }),
    );
    return file;
  };
  const areas = [
    { name: 'gc', frames: /^\(garbage collector\) / },
    { name: 'sends', frames: /^sendSized / },
    { name: 'kafkajs', frames: /node_modules\/kafkajs\// },
    { name: 'decoding', frames: /^decodeDossierEvent / },
  ];
  const shares = (samples: number[]) => Object.fromEntries(costByArea(profile(samples), areas).areas.map((a) => [a.area, a.busyPercent]));

  it('counts a sample toward the first area any frame of its stack matches, in the areas’ order', () => {
    // kafkajs code under sendSized is the send's; kafkajs code on its own is kafkajs'.
    expect(shares([4, 4, 6, 5])).toEqual({ gc: 0, sends: 50, kafkajs: 25, decoding: 25, other: 0 });
  });

  it('leaves idle samples out of the shares and reports how many were busy', () => {
    const result = costByArea(profile([7, 7, 7, 5]), areas);
    expect(result.busyPercent).toBe(25);
    expect(result.areas.find((a) => a.area === 'decoding')?.busyPercent).toBe(100);
  });

  it('puts what no area names under "other", the garbage collector under its own', () => {
    expect(shares([2, 8, 5, 5])).toEqual({ gc: 25, sends: 0, kafkajs: 0, decoding: 50, other: 25 });
  });
});
