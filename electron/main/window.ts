// S1: the hardened console window. Everything the renderer may load comes from app://resetdesk
// (or the dev server in development); it cannot navigate, open windows, or get permissions.
import { BrowserWindow, session as electronSession, type Session } from 'electron'
import { contentSecurityPolicy } from './csp'

export const appOrigin = 'app://resetdesk'
export { contentSecurityPolicy }

export function hardenSession(ses: Session, devServerOrigin: string | null): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    // The dev server's page carries the dev policy in its meta tag (electron.vite.config.ts devCsp);
    // everything else, and everything in production, gets the strict header.
    if (devServerOrigin !== null && details.url.startsWith(`${devServerOrigin}/`))
      return callback({ responseHeaders: details.responseHeaders })
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } })
  })
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  // No remote content: only our scheme (and the dev server in development) may be requested.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url
    const ok =
      url.startsWith(`${appOrigin}/`) ||
      // Files the console makes itself (the audit export) are offered as blob: downloads.
      url.startsWith(`blob:${appOrigin}/`) ||
      (devServerOrigin !== null && (url.startsWith(`${devServerOrigin}/`) || url.startsWith('ws://localhost')))
    callback({ cancel: !ok && !url.startsWith('devtools://') })
  })
}

export function createConsoleWindow(options: {
  preload: string
  devServerUrl: string | null
  allowDevTools: boolean
  ses?: Session
  kiosk?: boolean
}): BrowserWindow {
  const kiosk = options.kiosk === true
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'ResetDesk',
    // B7 walk-up desk: full screen, nothing of the desktop or the window frame to reach.
    ...(kiosk ? { kiosk: true, fullscreen: true, autoHideMenuBar: true } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: options.allowDevTools && !kiosk,
      session: options.ses ?? electronSession.defaultSession,
    },
  })
  const allowedOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : appOrigin
  win.webContents.on('will-navigate', (event, url) => {
    // B7: a kiosk console never navigates, not even within its own origin.
    if (kiosk || !url.startsWith(allowedOrigin)) event.preventDefault()
  })
  if (kiosk) {
    win.setMenu(null)
    // devTools is off in webPreferences; should anything open them anyway, close them at once.
    win.webContents.on('devtools-opened', () => win.webContents.closeDevTools())
  }
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.once('ready-to-show', () => win.show())
  void win.loadURL(options.devServerUrl ?? `${appOrigin}/index.html`)
  return win
}
