import type { ProfileArea } from './cpuprofile-summary';

const GARBAGE_COLLECTOR: ProfileArea = { name: 'garbage collector', frames: /^\(garbage collector\) / };
const MODULE_LOADING: ProfileArea = { name: 'module loading', frames: /node:internal\/modules\// };
const KAFKAJS: ProfileArea = { name: 'kafkajs: fetches, record decoding, replies', frames: /node_modules\/kafkajs\// };
const POSTGRES: ProfileArea = { name: 'PostgreSQL: statements, row encoding and decoding, client', frames: /libs\/persistence\/src\/|node_modules\/(pg|pg-protocol|pg-pool|typeorm)\// };

/**
 * Where each app's CPU goes, by area of the code (costByArea: first match wins, so the order
 * matters: the validated topic's encoding and sends are named before the rest of kafkajs). Issue
 * 12 asks whether the validated hop should stay: its areas are what a single hop would save in
 * Node (the broker's share and PostgreSQL's second transaction come on top).
 */
export const PROFILE_AREAS: Record<string, readonly ProfileArea[]> = {
  ingest: [
    GARBAGE_COLLECTOR,
    MODULE_LOADING,
    { name: 'validated topic: encoding and sends', frames: /^(encodeValidated\w*|sendSized) |node_modules\/kafkajs\/src\/producer\// },
    KAFKAJS,
    { name: 'event decoding and validation', frames: /^(decodeDossierEvent|checkEventRules) / },
    POSTGRES,
  ],
  aggregator: [
    GARBAGE_COLLECTOR,
    MODULE_LOADING,
    { name: 'live snapshot: recompute, Redis, publish', frames: /live-snapshot\.publisher\.js|libs\/live-metrics\/|node_modules\/ioredis\// },
    { name: 'validated topic: record decoding', frames: /^decodeValidated\w* / },
    KAFKAJS,
    POSTGRES,
    // After PostgreSQL: the batch's write statements are built under foldEvents.
    { name: 'dossier fold, day counters and indicators', frames: /^foldEvents |libs\/domain\/src\// },
  ],
  notifier: [GARBAGE_COLLECTOR, MODULE_LOADING, KAFKAJS, POSTGRES, { name: 'Redis', frames: /node_modules\/ioredis\// }],
  api: [
    GARBAGE_COLLECTOR,
    MODULE_LOADING,
    { name: 'HTTP (Nest, Express)', frames: /node_modules\/(@nestjs|express|body-parser)\// },
    KAFKAJS,
    POSTGRES,
    { name: 'Redis', frames: /node_modules\/ioredis\// },
  ],
};
