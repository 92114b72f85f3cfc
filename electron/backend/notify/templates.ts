// The messages users receive, in plain text and HTML. Only a code message carries a secret (the
// code); reset instructions carry the single-use link; notices carry only the "this wasn't me"
// link, which can lock the account but never open it.
// Every value is escaped in HTML; no remote images, fonts or tracking.

export interface RenderedMessage {
  subject: string
  text: string
  html: string
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:36rem;margin:1rem auto">${body}` +
    `<p style="color:#555;font-size:13px">This message was sent by your organisation's service desk (ResetDesk). ` +
    `The service desk will never ask you for your password.</p></body></html>`
  )
}

/** R5.1 / R5.2: the one-time code the caller reads back. The SMS form is `text`. */
export function codeMessage(input: { code: string; minutesValid: number }): RenderedMessage {
  const { code, minutesValid } = input
  const text =
    `Your ResetDesk verification code is ${code}. It is valid for ${minutesValid} minutes. ` +
    'Read it to the service desk agent only if you called them yourself.'
  const html = page(
    'Your verification code',
    `<p>Your verification code is</p><p style="font-size:28px;font-weight:700;letter-spacing:0.2em">${escapeHtml(code)}</p>` +
      `<p>It is valid for ${minutesValid} minutes. Read it to the service desk agent <strong>only if you called them yourself</strong>.</p>`,
  )
  return { subject: 'Your verification code', text, html }
}

/** R6.1: the single-use link to the reset page. */
export function resetLinkMessage(input: { displayName: string; link: string; minutesValid: number }): RenderedMessage {
  const { displayName, link, minutesValid } = input
  const text =
    `Hello ${displayName},\n\nThe service desk has sent you this link to choose a new password. ` +
    `It works once and expires in ${minutesValid} minutes:\n\n${link}\n\nIf you did not ask for this, tell the service desk at once.`
  const html = page(
    'Reset your password',
    `<p>Hello ${escapeHtml(displayName)},</p><p>The service desk has sent you this link to choose a new password. ` +
      `It works once and expires in ${minutesValid} minutes:</p>` +
      `<p><a href="${escapeHtml(link)}" style="font-weight:700">Choose a new password</a></p>` +
      `<p style="word-break:break-all;color:#555;font-size:13px">${escapeHtml(link)}</p>` +
      '<p>If you did not ask for this, tell the service desk at once.</p>',
  )
  return { subject: 'Reset your password', text, html }
}

/**
 * B11: after every reset, to every registered address. No password; the one link is "this wasn't
 * me", which leads to a page that asks before it does anything (a mail scanner opening the link
 * changes nothing) and then only locks the account and tells the service desk. Without a link
 * (it could not be made) the notice still goes out, asking the user to call.
 */
export function afterResetNotice(input: {
  displayName: string
  at: Date
  how: string
  wasntMe: { link: string; daysValid: number } | null
}): RenderedMessage {
  const when = input.at.toUTCString()
  const intro = `The password of your account was reset on ${when} (${input.how}). If this was you, there is nothing to do.`
  const { wasntMe } = input
  if (!wasntMe) {
    const text = `Hello ${input.displayName},\n\n${intro}\n\nIf this was not you, call the service desk at once: someone may be trying to take over your account.`
    const html = page(
      'Your password was reset',
      `<p>Hello ${escapeHtml(input.displayName)},</p><p>${escapeHtml(intro)}</p>` +
        '<p><strong>If this was not you, call the service desk at once</strong>: someone may be trying to take over your account.</p>',
    )
    return { subject: 'Your password was reset', text, html }
  }
  const days = `${wasntMe.daysValid} ${wasntMe.daysValid === 1 ? 'day' : 'days'}`
  const text =
    `Hello ${input.displayName},\n\n${intro}\n\nIf this was not you, someone may be trying to take over your account. ` +
    `Open this link to lock your account and alert the service desk (it works once, for ${days}):\n\n${wasntMe.link}\n\n` +
    'Then call the service desk on a number you know.'
  const html = page(
    'Your password was reset',
    `<p>Hello ${escapeHtml(input.displayName)},</p><p>${escapeHtml(intro)}</p>` +
      '<p><strong>If this was not you</strong>, someone may be trying to take over your account. Lock your account and alert the service desk:</p>' +
      `<p><a href="${escapeHtml(wasntMe.link)}" style="font-weight:700">This wasn't me</a></p>` +
      `<p style="word-break:break-all;color:#555;font-size:13px">${escapeHtml(wasntMe.link)}</p>` +
      `<p>The link works once, for ${days}. Then call the service desk on a number you know.</p>`,
  )
  return { subject: 'Your password was reset', text, html }
}

/** The SMS form of the notice: short, with the same "this wasn't me" link when there is one. */
export function afterResetSms(input: { at: Date; wasntMeLink: string | null }): string {
  const head = `ResetDesk: your password was reset on ${input.at.toUTCString()}.`
  return input.wasntMeLink
    ? `${head} Not you? Lock your account: ${input.wasntMeLink}`
    : `${head} If this was not you, call the service desk at once.`
}
