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
