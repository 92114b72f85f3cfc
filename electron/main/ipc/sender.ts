// S2: only the console's own main frame may call the backend. A sub-frame, a page navigated
// elsewhere, or another origin is refused before its input is even parsed.
export interface SenderInfo {
  /** URL of the frame that sent the message (senderFrame.url in Electron). */
  frameUrl: string
  isMainFrame: boolean
}

export function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    // Custom schemes (app://resetdesk) have an opaque `origin` ("null") in WHATWG URL; build it.
    return u.origin !== 'null' ? u.origin : `${u.protocol}//${u.host}`
  } catch {
    return null
  }
}

export function isTrustedSender(sender: SenderInfo, allowedOrigins: readonly string[]): boolean {
  if (!sender.isMainFrame) return false
  const origin = originOf(sender.frameUrl)
  return origin !== null && origin !== '//' && allowedOrigins.includes(origin)
}
