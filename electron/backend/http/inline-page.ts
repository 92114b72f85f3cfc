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

/**
 * The script of a page opened from an emailed link whose token is in the URL fragment (the reset
 * link, "this wasn't me"). It opens with what both need: `token` read from the fragment (which no
 * server or Referer sees) and dropped from the address bar and history at once; `form` (the
 * element `formId`) and `result`; `say(cls, lines)`, which shows lines in `result` as text, never
 * as markup. `body` follows inside the same function. The CSP's hash covers the whole script.
 */
export function linkPageScript(formId: string, body: string): string {
  return `(function(){
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  // Drop the token from the address bar and history once read.
  history.replaceState(null, '', location.pathname);
  var form = document.getElementById('${formId}');
  var result = document.getElementById('result');
  function say(cls, lines){
    result.className = cls; result.textContent = '';
    lines.forEach(function(l){ var p = document.createElement('p'); p.textContent = l; result.appendChild(p); });
  }
${body}
})();`
}
