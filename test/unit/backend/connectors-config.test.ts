// Issue 4 / S3: one connectors file; secrets only by reference to the keychain.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  buildConnectors,
  loadConnectorsConfig,
  parseConnectorsConfig,
  type ConnectorsConfig,
} from '../../../electron/backend/config/connectors-config'
import { MemorySecretStore } from '../../../electron/main/secrets/secret-store'
import { LdapDirectory } from '../../../electron/backend/directory/ldap-directory'
import { SmtpNotifier } from '../../../electron/backend/notify/smtp-notifier'

const valid = {
  version: 1,
  directory: {
    dialect: 'openldap',
    url: 'ldap://ldap.corp.example:389',
    bindDn: 'cn=helpdesk,dc=corp',
    bindPassword: { secret: 'ldap-bind' },
    callers: { base: 'ou=people,dc=corp' },
    loginAttribute: 'uid',
    groups: { membership: 'member', base: 'ou=groups,dc=corp' },
  },
  email: {
    host: 'smtp.corp.example',
    port: 587,
    secure: false,
    requireTls: true,
    user: 'resetdesk',
    password: { secret: 'smtp' },
    from: 'Service Desk <desk@corp.example>',
  },
  sms: { url: 'https://sms.example/v1/messages', format: 'json', token: { secret: 'sms-token' } },
  resetPage: { publicUrl: 'https://reset.corp.example/reset' },
}
const log = { info: () => {}, error: () => {} }
const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'resetdesk-conn-'))
  dirs.push(d)
  return d
}

describe('connectors configuration', () => {
  it('S3 refuses a password or token written into the file, naming the field but not the value', () => {
    const withPassword = { ...valid, directory: { ...valid.directory, bindPassword: 'hunter2-in-a-file' } }
    expect(() => parseConnectorsConfig(withPassword, 'connectors.json')).toThrow(/directory\.bindPassword/)
    try {
      parseConnectorsConfig(withPassword, 'connectors.json')
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2')
    }
    const extraKey = { ...valid, sms: { ...valid.sms, apiToken: 'abc' } }
    expect(() => parseConnectorsConfig(extraKey, 'x')).toThrow(/sms/)
  })

  it('the machine-wide policy file wins over the data folder; neither means the embedded defaults', () => {
    const dataDir = tempDir()
    expect(loadConnectorsConfig({ dataDir })).toBeNull()
    writeFileSync(join(dataDir, 'connectors.json'), JSON.stringify({ version: 1, email: valid.email }))
    expect(loadConnectorsConfig({ dataDir })!.config.directory).toBeUndefined()
    const policyFile = join(tempDir(), 'policy.json')
    writeFileSync(policyFile, JSON.stringify(valid))
    const loaded = loadConnectorsConfig({ dataDir, policyFile })!
    expect(loaded.source).toBe(policyFile)
    expect(loaded.config.directory!.name).toBe('ldap')
  })

  it('builds the LDAP store, SMTP notifier and SMS provider with secrets from the keychain', async () => {
    const secrets = new MemorySecretStore()
    await secrets.set('ldap-bind', 'b')
    await secrets.set('smtp', 's')
    await secrets.set('sms-token', 't')
    const c = await buildConnectors(parseConnectorsConfig(valid, 'x') as ConnectorsConfig, secrets, log)
    expect(c.backend.credentialStores!.ldap).toBeInstanceOf(LdapDirectory)
    expect(c.backend.directory).toBe(c.backend.credentialStores!.ldap)
    expect(c.backend.notifier).toBeInstanceOf(SmtpNotifier)
    expect(c.backend.notifier!.smsProviderConfigured).toBe(true)
    expect(c.backend.resetLinkBase).toBe('https://reset.corp.example/reset')
    c.close()
  })

  it('G2 refuses a layout it cannot use, naming the field: a base that is no DN, a bad filter, groups with nowhere to search, agent sign-in with no agents entry', () => {
    const bad = (directory: object) => () => parseConnectorsConfig({ ...valid, directory: { ...valid.directory, ...directory } }, 'x')
    expect(bad({ callers: { base: 'people' } })).toThrow(/directory\.callers\.base/)
    expect(bad({ callers: { base: 'ou=people,dc=corp', filter: '(objectClass=person' } })).toThrow(/directory\.callers\.filter/)
    expect(bad({ callers: { base: 'ou=people,dc=corp', scope: 'subtree' } })).toThrow(/directory\.callers\.scope/)
    expect(bad({ groups: { membership: 'member' } })).toThrow(/directory\.groups\.base/)
    expect(bad({ groups: { membership: 'memberUid', base: 'ou=groups,dc=corp', nested: 'search' } })).toThrow(/directory\.groups\.nested/)
    expect(bad({ loginAttribute: 'employeeNumber' })).toThrow(/directory\.loginAttribute/)
    expect(bad({ agentSignIn: { groups: ['Service Desk'], roleGroups: {} } })).toThrow(/directory\.agents/)
    expect(bad({ agents: { base: 'ou=agents,dc=corp' }, agentSignIn: { groups: [], roleGroups: {} } })).toThrow(
      /directory\.agentSignIn\.groups/,
    )
  })

  it("G2 the README's connectors examples (OpenLDAP and Active Directory) are valid as written", () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')
    const section = readme.slice(
      readme.indexOf('## Connect to your desk'),
      readme.indexOf('\n## ', readme.indexOf('## Connect to your desk') + 5),
    )
    const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => parseConnectorsConfig(JSON.parse(m[1]!), 'README'))
    expect(examples.map((c) => c.directory!.dialect)).toEqual(['openldap', 'ad'])
    expect(examples[1]!.directory!.groups).toMatchObject({ membership: 'memberOf', nested: 'inChain', nameAttribute: 'cn', maxDepth: 5 })
  })

  it('a secret missing from the keychain fails the start with the entry name', async () => {
    const secrets = new MemorySecretStore()
    await secrets.set('smtp', 's')
    await expect(buildConnectors(parseConnectorsConfig(valid, 'x'), secrets, log)).rejects.toThrow(/"ldap-bind"/)
  })
})
