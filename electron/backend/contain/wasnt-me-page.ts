// B11 / S5: the page a user reaches from the "this wasn't me" link of an after-reset notice.
// Served beside the reset-link page (R6.1) and hardened the same way: the token travels in the
// URL fragment, so the server cannot tell a good link from a bad one when it serves the page and
// every visitor gets the same page; opening it changes nothing (mail scanners fetch links), only
// the button's POST does, and every refusal (unknown, used, expired) is one answer. The page says
// nothing about the user beyond "reported". CSP: only the page's own inline script and style.
import { inlinePageCsp, inlinePageHeaders, linkPageScript } from '../http/inline-page'
import type { FastifyInstance } from 'fastify'
import type { Logger } from '../rules/context'
import type { WasntMeAnswer } from './wasnt-me'

export type ReportWasntMe = (token: string, address: string) => Promise<WasntMeAnswer>

export interface WasntMePageOptions {
  report: ReportWasntMe
  log?: Logger
  /** Where the page lives: the reset-link page's path plus /wasnt-me (wasntMeLinkBase). */
  path: string
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;font-weight:600}#result{margin-top:1rem}.bad{color:#a00}.good{color:#060}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}`

const SCRIPT = linkPageScript(
  'report-form',
  `  form.addEventListener('submit', function(ev){
    ev.preventDefault();
    form.elements.submit.disabled = true;
    fetch(form.getAttribute('action'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token }) })
      .then(function(r){ return r.json(); })
      .then(function(a){
        if (a.status === 'reported') { form.hidden = true; say('good', ['Reported. Thank you.', 'The service desk has been alerted, and your account is being locked to keep it safe.', 'Call the service desk on a number you know to get back into your account.']); return; }
        if (a.status === 'throttled') { form.elements.submit.disabled = false; say('bad', ['Too many tries from this network. Wait a few minutes and try again, or call the service desk.']); return; }
        form.hidden = true;
        if (a.status === 'invalid') say('bad', ['This link is not valid. It may have been used already or have expired.', 'If your password was reset without you, call the service desk at once.']);
        else say('bad', ['Something went wrong. Nothing was reported.', 'Call the service desk at once.']);
      })
      .catch(function(){ form.elements.submit.disabled = false; say('bad', ['Something went wrong. Nothing was reported. Try again, or call the service desk.']); });
  });`,
)

export const wasntMePageCsp = inlinePageCsp(SCRIPT, STYLE)

function pageHtml(path: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Report a password reset</title><style>${STYLE}</style></head>
<body><main>
<h1>Was this password reset not you?</h1>
<p>If you did not ask the service desk to reset your password, and did not set a new one yourself, report it here. The service desk is alerted at once and your account is locked, so that whoever reset it cannot use it.</p>
<p>If the reset was you, close this page: nothing happens unless you press the button.</p>
<form id="report-form" action="${path}/confirm" method="post" novalidate>
<button id="submit" name="submit" type="submit">This wasn't me: lock my account</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
</main><script>${SCRIPT}</script></body></html>`
}

type Answer = { status: WasntMeAnswer } | { status: 'error' }

const securityHeaders = inlinePageHeaders(wasntMePageCsp)

/** Registers the page and its POST endpoint on the fastify instance that serves the reset-link page. */
export function registerWasntMePage(app: FastifyInstance, options: WasntMePageOptions): void {
  const html = pageHtml(options.path)
  app.get(options.path, async (_request, reply) =>
    reply.headers({ ...securityHeaders, 'content-type': 'text/html; charset=utf-8' }).send(html),
  )
  app.post(`${options.path}/confirm`, { bodyLimit: 1024 }, async (request, reply): Promise<Answer> => {
    void reply.headers(securityHeaders)
    const body = request.body as { token?: unknown } | undefined
    const token = typeof body?.token === 'string' ? body.token : ''
    if (token === '' || token.length > 256) return { status: 'invalid' }
    try {
      return { status: await options.report(token, request.ip) }
    } catch (e) {
      options.log?.error('wasnt_me_page_error', { error: (e as Error)?.name })
      return { status: 'error' }
    }
  })
}
