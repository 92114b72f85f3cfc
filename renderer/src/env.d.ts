import type { ResetDeskBridge } from '../../electron/preload/bridge'

declare global {
  interface Window {
    /** Provided by the preload (Electron) or the E2E host's init script (browser). */
    readonly resetDesk: ResetDeskBridge
  }
}
export {}
