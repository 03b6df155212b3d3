import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Directives = Record<string, string[]>;
const NEVER_FRAMED: Directives = { baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"], objectSrc: ["'none'"] };

/** JSON, CSV and everything else the API answers: nothing in it may run or load anything. */
const apiHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], ...NEVER_FRAMED } } });

/** Swagger UI: its own scripts and images, and the inline styles of its template. */
const docsHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], ...NEVER_FRAMED },
  },
});

/**
 * helmet's headers (issue 10) on every answer: no sniffing, no framing, no referrer leaks, HSTS,
 * and a Content-Security-Policy. The pages replace the policy with their own (pageCsp).
 */
export function securityHeaders(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
  (req.url?.startsWith('/api/docs') ? docsHeaders : apiHeaders)(req, res, next);
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The policy of one of our pages: its own inline `<script>` and `<style>` blocks allowed by hash
 * (so no 'unsafe-inline', and an injected script cannot run), chart.js from this origin, API
 * calls and the SSE stream to this origin only.
 */
export function pageCsp(html: string): string {
  const inline = (tag: string) => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => sha256(m[1]));
  return [
    "default-src 'none'",
    `script-src 'self' ${inline('script').join(' ')}`,
    `style-src 'self' ${inline('style').join(' ')}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
