// The pages the backend serves to users themselves (the reset link, enrolment, "this wasn't me"):
// one inline script and one inline style each, allowed by their hashes and nothing else, never
// cached, never framed.
import { createHash } from 'node:crypto'

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`

/** The page's CSP: its script and style by hash; `extra` directives (e.g. img-src data:) beside them. */
export function inlinePageCsp(script: string, style: string, extra: string[] = []): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    ...extra,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** The headers every such page and its answers carry. */
export const inlinePageHeaders = (csp: string) => ({
  'content-security-policy': csp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
})
