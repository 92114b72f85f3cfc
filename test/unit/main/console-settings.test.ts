// Remote mode's backend URL: from the agent's settings or the machine policy file, which wins.
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
  it('defaults to the embedded demo desk', async () => {
    expect(await loadConsoleSettings(files)).toEqual({ backend: { mode: 'embedded' }, source: 'default' })
  })
  it("takes the agent's settings, and the machine policy over them", async () => {
    write(files.settingsFile, { backend: { mode: 'remote', url: 'https://desk.example.com' } })
    expect(await loadConsoleSettings(files)).toEqual({ backend: { mode: 'remote', url: 'https://desk.example.com' }, source: 'settings' })
    write(files.policyFile, { backend: { mode: 'remote', url: 'https://resetdesk.corp.example' }, connectors: { smtp: {} } })
    expect(await loadConsoleSettings(files)).toEqual({ backend: { mode: 'remote', url: 'https://resetdesk.corp.example' }, source: 'policy' })
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
  it('knows where IT puts the policy on each platform', () => {
    expect(machinePolicyPath('linux')).toBe('/etc/resetdesk/policy.json')
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\PD' })).toBe(join('D:\\PD', 'ResetDesk', 'policy.json'))
  })
})
