/**
 * A URL as it may be logged or shown (issue 10): scheme, host and path; user-info and query,
 * where receivers often carry a token, replaced by `***`. Anything that does not parse as a URL
 * is not shown at all.
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '[not a URL]';
  }
  const userInfo = u.username || u.password ? '***@' : '';
  return `${u.protocol}//${userInfo}${u.host}${u.pathname}${u.search ? '?***' : ''}`;
}

/** Every http(s) URL inside a text (an error message, say) redacted as redactUrl does. */
export function redactUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/gi, (m) => redactUrl(m));
}
