import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Runs the CLI (apps/cli) from its TypeScript source as a separate process, the way an operator
 * runs the built one, and resolves with its exit code and output whatever the code.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'apps/cli/src/main.ts'), ...args],
      { cwd: ROOT, env: { ...env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}
