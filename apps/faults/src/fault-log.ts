export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function log(msg: string): void {
  process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Polls `check` until it holds; returns the instant it did, or throws naming `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A check that hangs (a request to a broker that is restarting) counts as "not yet".
    const ok = await Promise.race([check().catch(() => false), sleep(10_000).then(() => false)]);
    if (ok) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
