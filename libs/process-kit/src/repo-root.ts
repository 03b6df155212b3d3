import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up from this file to the directory that holds
 * deploy/local/kafka.sh: the same answer from the TypeScript source (tests) and from dist/
 * (the bench and the fault runner), which sit at different depths.
 */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy', 'local', 'kafka.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no deploy/local/kafka.sh above ${from}`);
  }
}
