// S1: the console's Content-Security-Policy — our own scripts and styles only, no eval, no
// remote content, no framing. Kept free of Electron imports so the E2E host serves the same one.
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

/**
 * `npm run dev` only: the renderer comes from Vite's dev server, which needs its inline module
 * preamble (React Fast Refresh) and its HMR socket. The inline scripts are allowed by hash (never
 * 'unsafe-inline' for scripts), the socket by the dev server's own origin, styles inline because
 * HMR swaps them as <style> elements. Everything else stays as in production.
 */
export function devContentSecurityPolicy(devServerOrigin: string, inlineScriptHashes: string[]): string {
  const socket = devServerOrigin.replace(/^http/, 'ws')
  return contentSecurityPolicy
    .replace("; frame-ancestors 'none'", '') // a <meta> policy cannot carry it; the dev page is never framed
    .replace("script-src 'self'", ["script-src 'self'", ...inlineScriptHashes.map((h) => `'${h}'`)].join(' '))
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${socket}`)
}
