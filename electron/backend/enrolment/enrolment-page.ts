// G4: the enrolment page, served by the backend like the reset-link page (embedded: its own
// server on loopback; standalone: under the server's base URL). Same hardening: a CSP that allows
// only the page's own inline script and style (and the QR code as a data: image), no external
// resources, no caching, no framing. The session token lives in the page's memory only and goes
// back as a bearer header (no cookie, so no cross-site request can use it).
import { inlinePageCsp, inlinePageHeaders } from '../http/inline-page'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { AppError, toErrorData } from '../../../shared/errors'
import { errorFacts, type RuleContext } from '../rules/context'
import { createSelfService } from './self-service'

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
label{display:block;margin-top:.75rem;font-weight:600}input,select{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.55rem 1.1rem;font-size:1rem}section{border-top:1px solid #bbb;margin-top:1.5rem;padding-top:.5rem}
.bad{color:#a00}.good{color:#060}.hint{color:#444;font-size:.95rem}code{font-size:1.05rem;word-break:break-all}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}`

const SCRIPT = `(function(){
  var base = document.body.getAttribute('data-base');
  var token = null, current = null;
  var $ = function(id){ return document.getElementById(id); };
  var messages = {
    INVALID_CREDENTIALS: 'Sign-in failed. Check your user name and password, or try again in a few minutes.',
    SESSION_EXPIRED: 'Your enrolment session has ended. Sign in again.',
    CODE_INCORRECT: 'That code is not right. Check it and try again.',
    CODE_EXPIRED: 'That code has expired or is no longer valid. Ask for a new one.',
    MAX_RESENDS: 'Too many codes were sent. Try again in an hour.',
    SMS_CARRIER_NEEDED: 'Choose the carrier of your mobile number.',
    DELIVERY_FAILED: 'The code could not be sent. Check the address or number and try again.',
    DIRECTORY_UNAVAILABLE: 'The directory could not be reached. Try again in a few minutes.'
  };
  function say(el, cls, lines){
    el.className = cls; el.textContent = '';
    lines.forEach(function(l){ var p = document.createElement('p'); p.textContent = l; el.appendChild(p); });
  }
  function failure(e){
    if (!e || !e.code) return ['Something went wrong. Nothing was changed. Try again.'];
    if (e.code === 'INVALID_INPUT') {
      var issues = (e.details && e.details.issues) || [];
      return ['Please correct this:'].concat(issues.map(function(i){ return i.message; }));
    }
    return [messages[e.code] || e.message];
  }
  function api(action, body){
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(base + '/api/' + action, { method: 'POST', headers: headers, body: JSON.stringify(body || {}) })
      .then(function(r){ return r.json(); })
      .then(function(a){
        if (!a.ok && a.error && a.error.code === 'SESSION_EXPIRED' && action !== 'signin') signedOut(messages.SESSION_EXPIRED);
        if (!a.ok) throw a.error;
        return a.data;
      });
  }
  function busy(form, on){ Array.prototype.forEach.call(form.querySelectorAll('button'), function(b){ b.disabled = on; }); }
  function handle(form, status, run){
    form.addEventListener('submit', function(ev){
      ev.preventDefault(); busy(form, true);
      run().then(function(lines){ if (lines) say(status, 'good', lines); })
        .catch(function(e){ say(status, 'bad', failure(e)); })
        .then(function(){ busy(form, false); });
    });
  }
  function signedOut(why){
    token = null; current = null;
    $('enrol').hidden = true; $('signin').hidden = false;
    $('signin-form').reset();
    if (why) say($('signin-status'), 'bad', [why]);
    $('login').focus();
  }
  function questionRows(){
    var holder = $('question-rows'); holder.textContent = '';
    for (var i = 0; i < current.questionsRequired; i++) {
      var id = 'q' + i;
      var lq = document.createElement('label'); lq.htmlFor = id + '-question'; lq.textContent = 'Question ' + (i + 1);
      var sel = document.createElement('select'); sel.id = id + '-question'; sel.name = 'question';
      var none = document.createElement('option'); none.value = ''; none.textContent = 'Choose a question…'; sel.appendChild(none);
      current.questions.forEach(function(q){ var o = document.createElement('option'); o.value = q.id; o.textContent = q.text; sel.appendChild(o); });
      if (current.enrolledQuestionIds[i]) sel.value = current.enrolledQuestionIds[i];
      var la = document.createElement('label'); la.htmlFor = id + '-answer'; la.textContent = 'Answer ' + (i + 1);
      var inp = document.createElement('input'); inp.id = id + '-answer'; inp.name = 'answer'; inp.type = 'password'; inp.autocomplete = 'off'; inp.maxLength = 200;
      holder.appendChild(lq); holder.appendChild(sel); holder.appendChild(la); holder.appendChild(inp);
    }
  }
  function show(state){
    current = state;
    $('signin').hidden = true; $('enrol').hidden = false;
    $('who').textContent = state.displayName;
    var open = state.questions.length >= state.questionsRequired;
    $('questions-form').hidden = !open;
    $('questions-closed').hidden = open;
    $('questions-now').textContent = state.enrolledQuestionIds.length > 0 ? 'You have answered ' + state.enrolledQuestionIds.length + ' questions. Answering again replaces them.' : 'You have not answered any questions yet.';
    questionRows();
    $('email-now').textContent = state.email ? 'Confirmed: ' + state.email : 'No personal email confirmed yet.';
    $('mobile-now').textContent = state.mobile ? 'Confirmed: ' + state.mobile : 'No mobile number confirmed yet.';
    $('totp-now').textContent = state.authenticator ? 'An authenticator app is enrolled. Setting up again replaces it.' : 'No authenticator app enrolled yet.';
    var carrier = $('mobile-carrier-field'); carrier.hidden = !state.carriers;
    var cs = $('mobile-carrier');
    if (state.carriers && cs.options.length <= 1) state.carriers.forEach(function(c){ var o = document.createElement('option'); o.value = c.id; o.textContent = c.name + ' (' + c.country + ')'; cs.appendChild(o); });
  }
  handle($('signin-form'), $('signin-status'), function(){
    var f = $('signin-form');
    return api('signin', { login: f.elements.login.value, password: f.elements.password.value }).then(function(d){
      token = d.token; f.reset(); say($('signin-status'), '', []); show(d.state); $('enrol-heading').focus(); return null;
    });
  });
  handle($('questions-form'), $('questions-status'), function(){
    var qs = document.querySelectorAll('#question-rows select'), as = document.querySelectorAll('#question-rows input');
    var answers = [];
    for (var i = 0; i < qs.length; i++) answers.push({ questionId: qs[i].value, answer: as[i].value });
    return api('answers', { answers: answers }).then(function(s){ show(s); return ['Your answers are saved.']; });
  });
  ['email', 'mobile'].forEach(function(kind){
    handle($(kind + '-send'), $(kind + '-status'), function(){
      var body = { kind: kind, value: $(kind + '-value').value };
      if (kind === 'mobile' && current.carriers) body.carrier = $('mobile-carrier').value || undefined;
      return api('contact/start', body).then(function(d){
        $(kind + '-confirm').hidden = false; $(kind + '-code').focus();
        return ['A code was sent to ' + d.sentTo + '. Type it below.'];
      });
    });
    handle($(kind + '-confirm'), $(kind + '-status'), function(){
      var code = $(kind + '-code').value.replace(/\\s/g, '');
      return api('contact/confirm', { kind: kind, code: code }).then(function(s){
        $(kind + '-confirm').hidden = true; $(kind + '-confirm').reset(); show(s);
        return [kind === 'email' ? 'Your email address is confirmed.' : 'Your mobile number is confirmed.'];
      });
    });
  });
  handle($('totp-start'), $('totp-status'), function(){
    return api('totp/start').then(function(d){
      $('totp-qr').src = d.qr; $('totp-secret').textContent = d.secret; $('totp-setup').hidden = false; $('totp-code').focus();
      return null;
    });
  });
  handle($('totp-confirm'), $('totp-status'), function(){
    return api('totp/confirm', { code: $('totp-code').value.replace(/\\s/g, '') }).then(function(s){
      $('totp-setup').hidden = true; $('totp-qr').removeAttribute('src'); $('totp-secret').textContent = ''; $('totp-confirm').reset(); show(s);
      return ['Your authenticator app is enrolled.'];
    });
  });
  $('signout').addEventListener('click', function(){ api('signout').catch(function(){}); signedOut(null); });
})();`

export const enrolmentPageCsp = inlinePageCsp(SCRIPT, STYLE, ['img-src data:'])

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function pageHtml(path: string): string {
  const contactForms = (kind: 'email' | 'mobile', title: string, label: string, type: string, hint: string) => `
<section aria-labelledby="${kind}-h"><h2 id="${kind}-h">${title}</h2>
<p id="${kind}-now" class="hint"></p><p class="hint">${hint}</p>
<form id="${kind}-send" novalidate>
<label for="${kind}-value">${label}</label><input id="${kind}-value" type="${type}" autocomplete="${kind === 'email' ? 'email' : 'tel'}" maxlength="254" required>
${kind === 'mobile' ? '<div id="mobile-carrier-field"><label for="mobile-carrier">Mobile carrier</label><select id="mobile-carrier"><option value="">Choose your carrier…</option></select></div>' : ''}
<button type="submit">Send code</button></form>
<form id="${kind}-confirm" hidden novalidate>
<label for="${kind}-code">Code from the message</label><input id="${kind}-code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required>
<button type="submit">Confirm ${kind === 'email' ? 'email' : 'mobile'}</button></form>
<div id="${kind}-status" role="status" aria-live="polite"></div></section>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Enrol for password resets</title><style>${STYLE}</style></head>
<body data-base="${escapeAttr(path)}"><main>
<h1>Enrol for password resets</h1>
<div id="signin">
<p>When you call the service desk to reset your password, they verify who you are with what you enrol here. Sign in with your usual work password.</p>
<form id="signin-form" novalidate>
<label for="login">User name</label><input id="login" name="login" autocomplete="username" maxlength="128" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" maxlength="256" required>
<button type="submit">Sign in</button></form>
<div id="signin-status" role="status" aria-live="polite"></div>
</div>
<div id="enrol" hidden>
<h2 id="enrol-heading" tabindex="-1">Signed in as <span id="who"></span></h2>
<button id="signout" type="button">Sign out</button>
<section aria-labelledby="questions-h"><h2 id="questions-h">Security questions</h2>
<p id="questions-now" class="hint"></p>
<p id="questions-closed" class="hint" hidden>The service desk has not set up its security questions yet.</p>
<form id="questions-form" novalidate><p class="hint">Choose different questions and answers only you know. Capitals and extra spaces do not matter.</p>
<div id="question-rows"></div><button type="submit">Save answers</button></form>
<div id="questions-status" role="status" aria-live="polite"></div></section>
${contactForms('email', 'Personal email', 'Personal email address', 'email', 'The service desk can send a code here when you call.')}
${contactForms('mobile', 'Mobile number', 'Mobile number', 'tel', 'Codes can be texted to this number when you call.')}
<section aria-labelledby="totp-h"><h2 id="totp-h">Authenticator app</h2>
<p id="totp-now" class="hint"></p>
<form id="totp-start" novalidate><button type="submit">Set up an authenticator app</button></form>
<div id="totp-setup" hidden>
<p>Scan this code with your authenticator app, or type the key below into it.</p>
<img id="totp-qr" alt="QR code to add ResetDesk to your authenticator app" width="220" height="220">
<p>Key: <code id="totp-secret"></code></p>
<form id="totp-confirm" novalidate>
<label for="totp-code">Code shown in the app</label><input id="totp-code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required>
<button type="submit">Confirm authenticator app</button></form></div>
<div id="totp-status" role="status" aria-live="polite"></div></section>
</div>
</main><script>${SCRIPT}</script></body></html>`
}

const securityHeaders = inlinePageHeaders(enrolmentPageCsp)

export interface EnrolmentPageOptions {
  /** Where the page lives (default /enrol). */
  path?: string
}

/** Registers the page and its JSON API on a fastify instance (the standalone server, or its own). */
export function registerEnrolmentPage(app: FastifyInstance, ctx: RuleContext, options: EnrolmentPageOptions = {}): void {
  const path = options.path ?? '/enrol'
  const html = pageHtml(path)
  const self = createSelfService(ctx)
  app.get(path, async (_request, reply) => reply.headers({ ...securityHeaders, 'content-type': 'text/html; charset=utf-8' }).send(html))
  const actions: Record<string, (token: string | undefined, body: unknown, address: string) => Promise<unknown>> = {
    signin: (_t, body, address) => self.signIn(body, address),
    state: (t) => self.state(t),
    signout: async (t) => (await self.signOut(t), {}),
    answers: (t, body) => self.saveAnswers(t, body),
    'contact/start': (t, body) => self.startContact(t, body),
    'contact/confirm': (t, body) => self.confirmContact(t, body),
    'totp/start': (t) => self.startTotp(t),
    'totp/confirm': (t, body) => self.confirmTotp(t, body),
  }
  const answer = (reply: FastifyReply, status: number, body: unknown) => reply.headers(securityHeaders).status(status).send(body)
  for (const [action, run] of Object.entries(actions)) {
    app.post(`${path}/api/${action}`, { bodyLimit: 8192 }, async (request, reply) => {
      const header = request.headers.authorization
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
      try {
        return answer(reply, 200, { ok: true, data: await run(token, request.body, request.ip) })
      } catch (e) {
        if (!(e instanceof AppError)) ctx.log.error('enrolment_page_error', { action, ...errorFacts(e) })
        const error = toErrorData(e, String(request.id))
        // One status for every answer, as the reset-link page: the status line tells nothing the
        // body does not, and the browser logs no failed request for an ordinary refusal.
        return answer(reply, 200, { ok: false, error })
      }
    })
  }
}

/** The page on its own loopback server (embedded mode, tests). */
export async function startEnrolmentServer(
  ctx: RuleContext,
  options: EnrolmentPageOptions & { host?: string; port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false })
  registerEnrolmentPage(app, ctx, options)
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  return { url: `${address}${options.path ?? '/enrol'}`, close: () => app.close() }
}
