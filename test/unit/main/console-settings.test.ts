// Remote mode's backend URL and B7 kiosk mode: from the agent's settings or the machine policy
// file, which wins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConsoleSettings, machinePolicyPath, PolicyFileError } from '../../../electron/main/settings/console-settings'

let dir: string
let files: { policyFile: string; settingsFile: string }
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'resetdesk-settings-'))
  files = { policyFile: join(dir, 'policy.json'), settingsFile: join(dir, 'settings.json') }
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const write = (file: string, value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value))

describe('console settings', () => {
  it('defaults to the embedded desk, with no desk chosen yet (G1 first run)', async () => {
    expect(await loadConsoleSettings(files)).toEqual({
      backend: { mode: 'embedded' },
      source: 'default',
      kiosk: { enabled: false, idleMinutes: 3 },
      desk: null,
    })
  })
  it("takes the agent's settings, and the machine policy over them", async () => {
    write(files.settingsFile, { backend: { mode: 'remote', url: 'https://desk.example.com' } })
    expect(await loadConsoleSettings(files)).toMatchObject({
      backend: { mode: 'remote', url: 'https://desk.example.com' },
      source: 'settings',
    })
    write(files.policyFile, { backend: { mode: 'remote', url: 'https://resetdesk.corp.example' }, connectors: { smtp: {} } })
    expect(await loadConsoleSettings(files)).toMatchObject({
      backend: { mode: 'remote', url: 'https://resetdesk.corp.example' },
      source: 'policy',
    })
  })
  it('refuses plain HTTP to another machine', async () => {
    write(files.policyFile, { backend: { mode: 'remote', url: 'http://resetdesk.corp.example' } })
    await expect(loadConsoleSettings(files)).rejects.toThrow(/https/)
    write(files.policyFile, { backend: { mode: 'remote', url: 'http://127.0.0.1:7420' } })
    expect((await loadConsoleSettings(files)).backend).toEqual({ mode: 'remote', url: 'http://127.0.0.1:7420' })
  })
  it('fails closed on a broken policy file, and ignores a broken personal one', async () => {
    write(files.policyFile, '{ "backend": ')
    await expect(loadConsoleSettings(files)).rejects.toBeInstanceOf(PolicyFileError)
    rmSync(files.policyFile)
    write(files.settingsFile, { backend: { mode: 'cloud' } })
    const warnings: string[] = []
    expect(await loadConsoleSettings(files, (w) => warnings.push(w))).toMatchObject({ source: 'default' })
    expect(warnings).toHaveLength(1)
  })
  it('B7 kiosk: from the agent settings, the machine policy winning; idle minutes default to 3', async () => {
    write(files.settingsFile, { kiosk: { enabled: true } })
    expect((await loadConsoleSettings(files)).kiosk).toEqual({ enabled: true, idleMinutes: 3 })
    // A policy that only names the backend leaves kiosk to the agent's settings, and the reverse.
    write(files.policyFile, { backend: { mode: 'remote', url: 'https://resetdesk.corp.example' } })
    expect(await loadConsoleSettings(files)).toMatchObject({ source: 'policy', kiosk: { enabled: true, idleMinutes: 3 } })
    write(files.settingsFile, { backend: { mode: 'remote', url: 'https://desk.example.com' }, kiosk: { enabled: false } })
    write(files.policyFile, { kiosk: { enabled: true, idleMinutes: 10 } })
    expect(await loadConsoleSettings(files)).toEqual({
      backend: { mode: 'remote', url: 'https://desk.example.com' },
      source: 'settings',
      kiosk: { enabled: true, idleMinutes: 10 },
      desk: null,
    })
  })
  it('B7 kiosk: idle minutes between 1 and 60; a bad policy fails closed, bad settings are ignored', async () => {
    for (const kiosk of [
      { enabled: true, idleMinutes: 0 },
      { enabled: true, idleMinutes: 61 },
      { idleMinutes: 5 },
      { enabled: 'yes' },
      { enabled: true, lockAfter: 5 },
    ]) {
      write(files.policyFile, { kiosk })
      await expect(loadConsoleSettings(files), JSON.stringify(kiosk)).rejects.toBeInstanceOf(PolicyFileError)
    }
    write(files.policyFile, { kiosk: { enabled: true, idleMinutes: 1 } })
    expect((await loadConsoleSettings(files)).kiosk).toEqual({ enabled: true, idleMinutes: 1 })
    write(files.policyFile, { kiosk: { enabled: true, idleMinutes: 60 } })
    expect((await loadConsoleSettings(files)).kiosk).toEqual({ enabled: true, idleMinutes: 60 })
    rmSync(files.policyFile)
    write(files.settingsFile, { kiosk: { enabled: true, idleMinutes: 0 } })
    const warnings: string[] = []
    expect((await loadConsoleSettings(files, (w) => warnings.push(w))).kiosk).toEqual({ enabled: false, idleMinutes: 3 })
    expect(warnings).toHaveLength(1)
  })
  it('knows where IT puts the policy on each platform', () => {
    expect(machinePolicyPath('linux')).toBe('/etc/resetdesk/policy.json')
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\PD' })).toBe(join('D:\\PD', 'ResetDesk', 'policy.json'))
  })
})
