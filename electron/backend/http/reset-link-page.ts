// R6.1 / S5: the page a user reaches from the emailed link. The token travels in the URL
// fragment, which browsers never send to a server or in a Referer, so this server cannot tell a
// good link from a bad one when it serves the page: every visitor gets the same page. Only the
// submission (POST with the token) is judged, and every refusal — unknown, used, expired — is one
// answer. No external resources; the CSP allows only the page's own inline script and style.
import { inlinePageCsp, inlinePageHeaders, linkPageScript } from './inline-page'
import Fastify, { type FastifyInstance } from 'fastify'
import { AppError } from '../../../shared/errors'
import type { PolicyFailure } from '../../../shared/policy/password-policy'
import type { Logger } from '../rules/context'
import { registerWasntMePage, type ReportWasntMe } from '../contain/wasnt-me-page'
import { wasntMeLinkBase } from '../contain/wasnt-me'

export type CompleteResetLink = (token: string, password: string) => Promise<{ ok: true } | { ok: false; failures: PolicyFailure[] }>

export interface ResetLinkPageOptions {
  complete: CompleteResetLink
  log?: Logger
  /** Where the page lives; the link is `${origin}${path}#token=...` (BackendConfig.resetLinkBase). */
  path?: string
  /** B11: the "this wasn't me" page of after-reset notices, served under this page's path. */
  wasntMe?: ReportWasntMe
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}#result{margin-top:1rem}.bad{color:#a00}.good{color:#060}`

const SCRIPT = linkPageScript(
  'reset-form',
  `  form.addEventListener('submit', function(ev){
    ev.preventDefault();
    var pw = form.elements.password.value, confirm = form.elements.confirm.value;
    if (pw !== confirm) { say('bad', ['The two passwords do not match.']); return; }
    form.elements.submit.disabled = true;
    fetch(form.getAttribute('action'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token, password: pw }) })
      .then(function(r){ return r.json(); })
      .then(function(a){
        if (a.status === 'done') { form.hidden = true; say('good', ['Your password has been changed and your account is unlocked.', 'You can sign in with your new password now.']); return; }
        form.elements.submit.disabled = false;
        if (a.status === 'policy') say('bad', ['This password does not meet the policy:'].concat(a.failures));
        else if (a.status === 'unknown') { form.hidden = true; say('bad', ['We could not confirm whether your password was changed.', 'Try signing in with the new password; if it does not work, call the service desk. Do not use this link again.']); }
        else if (a.status === 'unavailable') say('bad', ['The directory could not be reached. Nothing was changed.', 'Try again in a few minutes; the link still works until it expires.']);
        else { form.hidden = true; say('bad', ['This link is not valid. It may have been used already or have expired.', 'Ask the service desk to send a new one.']); }
      })
      .catch(function(){ form.elements.submit.disabled = false; say('bad', ['Something went wrong. Nothing was changed. Try again.']); });
  });`,
)

export const resetPageCsp = inlinePageCsp(SCRIPT, STYLE)

function pageHtml(path: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Choose a new password</title><style>${STYLE}</style></head>
<body><main>
<h1>Choose a new password</h1>
<p>Use a long password you do not use anywhere else: at least 15 characters; a few unrelated words work well.</p>
<form id="reset-form" action="${path}/complete" method="post" novalidate>
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm">New password again</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button id="submit" name="submit" type="submit">Set new password</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
</main><script>${SCRIPT}</script></body></html>`
}

type Answer =
  | { status: 'unknown' }
  | { status: 'done' }
  | { status: 'policy'; failures: string[] }
  | { status: 'invalid' }
  | { status: 'unavailable' }
  | { status: 'error' }

const securityHeaders = inlinePageHeaders(resetPageCsp)

/** Registers the page and its POST endpoint on a fastify instance (the backend's HTTP side). */
export function registerResetLinkPage(app: FastifyInstance, options: ResetLinkPageOptions): void {
  const path = options.path ?? '/reset'
  const html = pageHtml(path)
  app.get(path, async (_request, reply) => reply.headers({ ...securityHeaders, 'content-type': 'text/html; charset=utf-8' }).send(html))
  if (options.wasntMe) registerWasntMePage(app, { report: options.wasntMe, log: options.log, path: wasntMeLinkBase(path) })
  app.post(`${path}/complete`, { bodyLimit: 4096 }, async (request, reply): Promise<Answer> => {
    void reply.headers(securityHeaders)
    const body = request.body as { token?: unknown; password?: unknown } | undefined
    const token = typeof body?.token === 'string' ? body.token : ''
    const password = typeof body?.password === 'string' ? body.password : ''
    if (token === '' || token.length > 256 || password.length > 1024) return { status: 'invalid' }
    try {
      const result = await options.complete(token, password)
      return result.ok ? { status: 'done' } : { status: 'policy', failures: result.failures.map((f) => f.message) }
    } catch (e) {
      if (e instanceof AppError && e.code === 'DIRECTORY_UNAVAILABLE') return { status: 'unavailable' }
      // F2: the change was sent and its outcome could not be confirmed; a retry must not follow.
      if (e instanceof AppError && e.code === 'OUTCOME_UNKNOWN') return { status: 'unknown' }
      // The credential store's own rules (AD complexity, history): the link stays usable.
      if (e instanceof AppError && e.code === 'POLICY_VIOLATED') {
        const failures = (e.details.failures as { message: string }[] | undefined) ?? []
        return { status: 'policy', failures: failures.map((f) => f.message) }
      }
      // Unknown, used, expired, or a user gone from the directory: one answer (S5).
      if (e instanceof AppError && (e.code === 'SESSION_EXPIRED' || e.code === 'USER_NOT_FOUND' || e.code === 'NOT_ELIGIBLE'))
        return { status: 'invalid' }
      options.log?.error('reset_page_error', { error: (e as Error)?.name })
      return { status: 'error' }
    }
  })
}

/** The page on its own server (embedded mode, tests). */
export async function startResetLinkServer(
  options: ResetLinkPageOptions & { host?: string; port?: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false })
  registerResetLinkPage(app, options)
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  return { url: `${address}${options.path ?? '/reset'}`, close: () => app.close() }
}
