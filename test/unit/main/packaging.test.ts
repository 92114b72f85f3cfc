// Packaging (issue 13): what IT deploys to locked-down desktops. The config is read as the
// packager reads it; every fuse and the hardening it relies on are checked here, since packing
// itself needs the Electron download this machine cannot make.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../../..')
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

describe('packaging with electron-builder', () => {
  it('flips every fuse that would let a packaged console be run as something else', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false, // no ELECTRON_RUN_AS_NODE: the binary is not a Node interpreter
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS ignored
      enableNodeCliInspectArguments: false, // --inspect ignored
      enableEmbeddedAsarIntegrityValidation: true, // a changed app.asar refuses to load
      onlyLoadAppFromAsar: true, // no app folder next to it is loaded instead
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false, // file:// gets no extra powers (we serve app://)
    })
  })

  it('packs into an asar with native modules rebuilt for Electron and unpacked', () => {
    expect(config.asar).toBe(true)
    expect(config.npmRebuild).toBe(true) // @electron/rebuild for better-sqlite3 and keytar
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', '!**/*.map']))
    expect(config.files.some((f: string) => /^(electron|shared|renderer|test|bench)\//.test(f))).toBe(false)
  })

  it('builds per-machine installers for GPO/Intune, and deb, AppImage and dmg', () => {
    expect(config.win.target).toEqual(['nsis', 'msi'])
    expect(config.nsis.perMachine).toBe(true)
    expect(config.msi.perMachine).toBe(true)
    expect(config.msi.upgradeCode).toMatch(/^[0-9a-f-]{36}$/) // stable, so upgrades replace in place
    expect(config.linux.target).toEqual(['deb', 'AppImage'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.mac.hardenedRuntime).toBe(true)
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.json')
  })
})
