// Electron main: lifecycle, the hardened window, the embedded backend and the IPC router.
// Thin on purpose: the rules live in electron/backend, the checks in ipc/router.
//
// Native modules: better-sqlite3 is built for Node by `npm install` (the tests use that build);
// `npm start` first builds an Electron-ABI copy into out/native (scripts/electron-native.mjs)
// and the store loads it through better-sqlite3's `nativeBinding`. A packager may instead put
// one at resources/native/better_sqlite3.node, or RESETDESK_SQLITE_BINDING may name one.
// keytar is N-API: one binary serves both runtimes.
import { app, dialog, Menu, net, protocol, session as electronSession, type WebContents } from 'electron'
import { existsSync } from 'node:fs'
import { dirname, join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { jsonLogger, type Backend } from '../backend/index'
import type { Operations } from '../backend/operations'
import type { KioskSettings } from '../../shared/ipc/contract'
import { AppError, errorCatalogue } from '../../shared/errors'
import type { Logger } from '../backend/rules/context'
import { createRemoteOperations } from './backend-client/remote-operations'
import { KeytarSecretStore } from './secrets/keytar-secret-store'
import { buildConnectors, CONNECTORS_FILE, loadConnectorsConfig, type Connectors } from '../backend/config/connectors-config'
import { startResetLinkServer } from '../backend/http/reset-link-page'
import { startEnrolmentServer } from '../backend/enrolment/enrolment-page'
import { loadConsoleSettings, machinePolicyPath, settingsFilePath } from './settings/console-settings'
import type { Session } from '../backend/operations'
import { createRouter } from './ipc/router'
import { createConsoleOperations, deskPaths, openEmbeddedDesk, selectDesk, selectEmbeddedDesk } from './desk-mode'
import { registerConsoleHandlers } from './ipc/register'
import { appOrigin, contentSecurityPolicy, createConsoleWindow, hardenSession } from './window'

const here = dirname(fileURLToPath(import.meta.url))
const rendererDir = join(here, '../renderer')
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null
const allowDevTools = !app.isPackaged && process.env.NODE_ENV === 'development'

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
// Another data folder (the Electron launch suite, a second profile): set before anything reads it,
// the single-instance lock included.
if (process.env.RESETDESK_DATA_DIR) app.setPath('userData', process.env.RESETDESK_DATA_DIR)

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void start()
}

/** The rebuilt-for-Electron better-sqlite3 binary, when the packager put one next to the app. */
function sqliteNativeBinding(): string | undefined {
  const candidates = [
    process.env.RESETDESK_SQLITE_BINDING,
    join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'),
    // `npm start` builds it here (scripts/electron-native.mjs); out/main is this file's folder.
    join(here, '../native/better-sqlite3/build/Release/better_sqlite3.node'),
  ]
  return candidates.find((p): p is string => !!p && existsSync(p))
}

/** Serves out/renderer under app://resetdesk with the CSP header; nothing outside that folder. */
function serveRenderer(): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url)
    const path = normalize(join(rendererDir, decodeURIComponent(url.pathname)))
    if (url.host !== 'resetdesk' || !path.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(path).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', contentSecurityPolicy)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}

/** A broken policy or connectors file stops the console with its reason (fail closed). */
function cannotStart(e: unknown): null {
  dialog.showErrorBox(
    'ResetDesk cannot start',
    e instanceof AppError ? `${e.message} ${errorCatalogue[e.code].next}` : (e as Error).message,
  )
  app.quit()
  return null
}

type ConsoleOperations = ReturnType<typeof createConsoleOperations>

/**
 * The embedded backend (G1: the demo desk once chosen, a first-run choice before, or the desk's
 * own connectors), or — when settings or the machine policy name one — the desk's standalone
 * server. The renderer cannot tell embedded from remote: both answer the same Operations.
 */
async function openBackend(
  log: Logger,
): Promise<{ ops: Operations; close(): Promise<void>; kiosk: KioskSettings; console: ConsoleOperations } | null> {
  let settings
  try {
    settings = await loadConsoleSettings(
      { policyFile: machinePolicyPath(), settingsFile: settingsFilePath(app.getPath('userData')) },
      (message) => log.error('settings_ignored', { message }),
    )
  } catch (e) {
    return cannotStart(e)
  }
  log.info('backend_selected', { mode: settings.backend.mode, source: settings.source, kiosk: settings.kiosk.enabled })
  const paths = deskPaths(app.getPath('userData'), machinePolicyPath())
  if (settings.backend.mode === 'remote') {
    // Its own session: the console's session lets nothing but app:// through. Chromium's network
    // stack brings the system proxy and trust store, so corporate TLS inspection CAs just work.
    const network = electronSession.fromPartition('resetdesk-backend')
    const ops = createRemoteOperations({
      baseUrl: settings.backend.url,
      secrets: new KeytarSecretStore(),
      fetch: (url, init) => network.fetch(url, init),
      onConnection: (state) => log.info('backend_connection', { state }),
    })
    const desk = selectDesk({ backend: settings.backend, connectorsSource: null, desk: settings.desk })
    return {
      ops,
      close: async () => {},
      kiosk: settings.kiosk,
      console: createConsoleOperations({ kiosk: settings.kiosk, desk, backend: null, paths, log }),
    }
  }
  // Issue 4: real connectors (LDAP, SMTP, SMS) from connectors.json in the data folder or next to
  // the machine policy (which wins); their passwords and tokens come from the keychain.
  let connectors: Connectors | null = null
  let connectorsSource: string | null = null
  try {
    const found = loadConnectorsConfig({
      dataDir: app.getPath('userData'),
      policyFile: join(dirname(machinePolicyPath()), CONNECTORS_FILE),
    })
    connectorsSource = found?.source ?? null
    if (found) log.info('connectors_configured', { source: found.source })
    connectors = found ? await buildConnectors(found.config, new KeytarSecretStore(), log) : null
  } catch (e) {
    return cannotStart(e)
  }
  // The reset-link page: where connectors.json puts it, or else on loopback for the demo desk (B6),
  // so a rehearsal can follow an emailed link to the end. It starts before the backend that
  // answers it, because the backend needs its address for the links.
  let completeLink: Backend['completeResetLink'] | null = null
  let reportWasntMe: Backend['reportWasntMe'] | null = null
  const resetPage = connectors?.resetPage
  const page = await startResetLinkServer({
    complete: (token, password) => completeLink!(token, password),
    // B11: the "this wasn't me" page of after-reset notices, beside it.
    wasntMe: (token, address) => reportWasntMe!(token, address),
    log,
    ...(resetPage ? { host: resetPage.host, port: resetPage.port, path: new URL(resetPage.publicUrl).pathname } : {}),
  })
  // G1: the demo desk only when chosen, never beside connectors; the keying secret from the keychain.
  const desk = selectEmbeddedDesk({ connectorsSource, desk: settings.desk })
  log.info('desk_selected', { desk: desk.mode })
  let backend: Backend
  try {
    backend = await openEmbeddedDesk({
      desk,
      dataDir: app.getPath('userData'),
      secrets: new KeytarSecretStore(),
      nativeBinding: sqliteNativeBinding(),
      backend: { log, ...connectors?.backend, ...(resetPage ? {} : { resetLinkBase: page.url }) },
    })
  } catch (e) {
    await page.close()
    connectors?.close()
    return cannotStart(e)
  }
  completeLink = backend.completeResetLink
  reportWasntMe = backend.reportWasntMe
  // G4: the enrolment page, on loopback beside the reset-link page.
  const enrolment = await startEnrolmentServer(backend.ctx)
  log.info('enrolment_page', { url: enrolment.url })
  return {
    ops: backend.ops,
    close: async () => {
      await enrolment.close()
      await page.close()
      connectors?.close()
      await backend.close()
    },
    kiosk: settings.kiosk,
    console: createConsoleOperations({ kiosk: settings.kiosk, desk, backend, paths, log }),
  }
}

async function start(): Promise<void> {
  await app.whenReady()
  const log = jsonLogger((line) => process.stdout.write(`${line}\n`))
  const backend = await openBackend(log)
  if (!backend) return
  const allowedOrigins = devServerUrl ? [new URL(devServerUrl).origin] : [appOrigin]
  // B7, G1: kiosk and desk are the console's, not the backend's: main answers console:settings
  // (and the first-run choice) itself, over whatever the backend (embedded or remote) would say.
  const kiosk = backend.kiosk
  const ops: Operations = { ...backend.ops, ...backend.console }
  const handle = createRouter(ops, { allowedOrigins, log })
  // One agent session per window; it ends with the window.
  const sessions = new WeakMap<WebContents, Session>()
  registerConsoleHandlers(handle, (event) => {
    let s = sessions.get(event.sender)
    if (!s) sessions.set(event.sender, (s = { agentId: null }))
    return s
  })
  serveRenderer()
  hardenSession(electronSession.defaultSession, devServerUrl ? new URL(devServerUrl).origin : null)
  // B7 kiosk: no menu (so no reload, devtools or zoom accelerators) and never devtools, even in development.
  if (kiosk.enabled) Menu.setApplicationMenu(null)
  const open = () =>
    createConsoleWindow({
      preload: join(here, '../preload/index.cjs'),
      devServerUrl,
      allowDevTools: allowDevTools && !kiosk.enabled,
      kiosk: kiosk.enabled,
    })
  let win = open()
  app.on('second-instance', () => {
    if (win.isDestroyed()) win = open()
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(devServerUrl ?? appOrigin)) event.preventDefault()
    })
  })
  app.on('window-all-closed', () => {
    void backend.close().finally(() => app.quit())
  })
}
