// Issue 4: the Active Directory dialect. There is no AD server here, so a loopback LDAPS server
// (node:tls with a throwaway self-signed certificate) answers bind, search and modify, and the
// test decodes the ModifyRequest it received, byte by byte, with its own BER reader — not with
// ldapts, whose encoder is what is being checked.
import { createServer, type Server, type TLSSocket } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LdapDirectory, type LdapDirectoryConfig } from '../../electron/backend/directory/ldap-directory'
import { errorOf } from '../helpers/backend-harness'
import { localhostCertificate } from '../helpers/fake-ad'
import { directoryLayoutSchema } from '../../electron/backend/directory/directory-layout'

import { children, decodeModify, readTlv, result, seq, str, tlv, int, type DecodedModify, type Tlv } from '../helpers/ber'

const PAT_DN = 'CN=Pat Doe,OU=Staff,DC=corp,DC=example'
const BIND_DN = 'CN=svc-helpdesk,OU=Service Accounts,DC=corp,DC=example'
const BIND_PW = 'ad-helpdesk-test-pw'
// Pat's objectGUID as AD prints it, and the 16 bytes it stores (first three fields little-endian).
const PAT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301'
const PAT_GUID = Buffer.from('e004253f894fd3119a0c0305e82c3301', 'hex')

interface FakeAd {
  port: number
  ca: string
  modifies: DecodedModify[]
  modifyResult: number
  close(): Promise<void>
}

async function startFakeAd(): Promise<FakeAd> {
  const { cert, key } = localhostCertificate()
  const state: FakeAd = { port: 0, ca: cert, modifies: [], modifyResult: 0, close: async () => {} }
  const server: Server = createServer({ cert, key }, (socket: TLSSocket) => {
    let pending = Buffer.alloc(0)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (pending.length < 2) return
        let msg: Tlv
        try {
          msg = readTlv(pending, 0)
          if (msg.end > pending.length) return
        } catch {
          return
        }
        pending = pending.subarray(msg.end)
        const [id, op] = children(msg.value)
        const msgId = id!.value[0]!
        switch (op!.tag) {
          case 0x60: {
            // BindRequest: version, name, [0] simple password
            const [, name, pw] = children(op!.value)
            const ok = name!.value.toString() === BIND_DN && pw!.value.toString() === BIND_PW
            socket.write(result(msgId, 0x61, ok ? 0 : 49))
            break
          }
          case 0x63: {
            // SearchRequest: one person, whatever was asked
            const attrs = seq(
              seq(str('objectGUID'), tlv(0x31, tlv(0x04, PAT_GUID))),
              seq(str('sAMAccountName'), tlv(0x31, str('pat.doe'))),
              seq(str('displayName'), tlv(0x31, str('Pat Doe'))),
              seq(str('mail'), tlv(0x31, str('pat.doe@corp.example'))),
              seq(str('mobile'), tlv(0x31, str('+1 415 555 0150'))),
              seq(
                str('memberOf'),
                tlv(
                  0x31,
                  Buffer.concat([
                    str('CN=Domain Users,OU=Groups,DC=corp,DC=example'),
                    str('CN=Domain Admins,OU=Groups,DC=corp,DC=example'),
                  ]),
                ),
              ),
              seq(str('lockoutTime'), tlv(0x31, str('133780000000000000'))),
              seq(str('pwdLastSet'), tlv(0x31, str('133700000000000000'))),
            )
            socket.write(seq(int(msgId), tlv(0x64, Buffer.concat([str(PAT_DN), attrs]))))
            socket.write(result(msgId, 0x65))
            break
          }
          case 0x66: // ModifyRequest
            state.modifies.push(decodeModify(op!.value))
            socket.write(result(msgId, 0x67, state.modifyResult))
            break
          case 0x42: // UnbindRequest
            socket.end()
            return
          default:
            socket.write(result(msgId, 0x78, 2))
        }
      }
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  state.port = (server.address() as AddressInfo).port
  state.close = () => new Promise<void>((ok) => server.close(() => ok()))
  return state
}

describe('Active Directory dialect on the wire (loopback LDAPS)', () => {
  let ad: FakeAd
  const logLines: string[] = []
  const log = {
    info: (e: string, f?: object) => void logLines.push(JSON.stringify({ e, ...f })),
    error: (e: string, f?: object) => void logLines.push(JSON.stringify({ e, ...f })),
  }
  const config = (over: Partial<LdapDirectoryConfig> = {}): LdapDirectoryConfig => ({
    dialect: 'ad',
    url: `ldaps://127.0.0.1:${ad.port}`,
    bindDn: BIND_DN,
    bindPassword: BIND_PW,
    ...directoryLayoutSchema.parse({
      callers: { base: 'DC=corp,DC=example' },
      loginAttribute: 'sAMAccountName',
      groups: { membership: 'memberOf' },
      protectedGroups: ['CN=Domain Admins,OU=Groups,DC=corp,DC=example'],
    }),
    tls: { ca: ad.ca },
    timeoutMs: 3000,
    ...over,
  })

  beforeAll(async () => {
    ad = await startFakeAd()
  })
  afterAll(() => ad?.close())

  it('a reset is one modify: unicodePwd as the quoted UTF-16LE password, lockoutTime=0, pwdLastSet=0', async () => {
    ad.modifies.length = 0
    const password = 'Ünïcode-Passwort-2026!'
    await new LdapDirectory(config(), log).resetPassword(PAT_ID, password, { unlock: true, mustChange: true })
    expect(ad.modifies).toHaveLength(1)
    const m = ad.modifies[0]!
    expect(m.dn).toBe(PAT_DN)
    expect(m.changes.map((c) => [c.operation, c.type])).toEqual([
      [2, 'unicodePwd'],
      [2, 'lockoutTime'],
      [2, 'pwdLastSet'],
    ]) // 2 = replace
    const pwd = m.changes[0]!.values
    expect(pwd).toHaveLength(1)
    expect(pwd[0]!.subarray(0, 2)).toEqual(Buffer.from([0x22, 0x00])) // '"' in UTF-16LE
    expect(pwd[0]!.toString('utf16le')).toBe(`"${password}"`)
    expect(m.changes[1]!.values.map(String)).toEqual(['0'])
    expect(m.changes[2]!.values.map(String)).toEqual(['0'])
    expect(logLines.join('\n')).not.toContain(password)
  })

  it('without must-change pwdLastSet is -1 (now), and without unlock lockoutTime is left alone', async () => {
    ad.modifies.length = 0
    await new LdapDirectory(config(), log).resetPassword(PAT_ID, 'Another-Long-Pass-2026', { unlock: false, mustChange: false })
    expect(
      ad.modifies[0]!.changes.map((c) => [c.operation, c.type, c.values.map((v) => (c.type === 'unicodePwd' ? '…' : String(v)))]),
    ).toEqual([
      [2, 'unicodePwd', ['…']],
      [2, 'pwdLastSet', ['-1']],
    ])
  })

  it('an unlock alone is lockoutTime=0', async () => {
    ad.modifies.length = 0
    await new LdapDirectory(config(), log).unlock(PAT_ID)
    expect(ad.modifies.map((m) => m.changes.map((c) => [c.operation, c.type, c.values.map(String)]))).toEqual([[[2, 'lockoutTime', ['0']]]])
  })

  it('reads lock state, must-change, groups (memberOf) and protected accounts the AD way', async () => {
    const user = await new LdapDirectory(config(), log).get(PAT_ID)
    expect(user).toMatchObject({
      id: PAT_ID,
      username: 'pat.doe',
      displayName: 'Pat Doe',
      email: 'pat.doe@corp.example',
      mobiles: ['+1 415 555 0150'],
      locked: true,
      mustChange: false,
      protected: true,
    })
    expect(user!.groups).toEqual(['Domain Users', 'Domain Admins'])
  })

  it('R8 a certificate the client does not trust is DIRECTORY_UNAVAILABLE (tls) and nothing is sent', async () => {
    ad.modifies.length = 0
    const e = await errorOf(
      new LdapDirectory(config({ tls: {} }), log).resetPassword(PAT_ID, 'Whatever-Long-2026', { unlock: true, mustChange: true }),
    )
    expect([e.code, e.details.reason]).toEqual(['DIRECTORY_UNAVAILABLE', 'tls'])
    expect(ad.modifies).toEqual([])
  })

  it('R8 a wrong delegated password is DIRECTORY_UNAVAILABLE (service account rejected) and nothing is modified', async () => {
    ad.modifies.length = 0
    const e = await errorOf(
      new LdapDirectory(config({ bindPassword: 'wrong' }), log).resetPassword(PAT_ID, 'Whatever-Long-2026', {
        unlock: true,
        mustChange: true,
      }),
    )
    expect([e.code, e.details.reason]).toEqual(['DIRECTORY_UNAVAILABLE', 'service_account_rejected'])
    expect(ad.modifies).toEqual([])
  })

  it('R8 AD refusing the password under its own policy (constraintViolation) is POLICY_VIOLATED', async () => {
    ad.modifyResult = 19
    try {
      const e = await errorOf(
        new LdapDirectory(config(), log).resetPassword(PAT_ID, 'Whatever-Long-2026', { unlock: true, mustChange: true }),
      )
      expect(e.code).toBe('POLICY_VIOLATED')
    } finally {
      ad.modifyResult = 0
    }
  })

  it('AD complexity: a password with fewer than three character classes is POLICY_VIOLATED before anything is sent', async () => {
    ad.modifies.length = 0
    const e = await errorOf(
      new LdapDirectory(config(), log).resetPassword(PAT_ID, 'all lower case but very long', { unlock: true, mustChange: true }),
    )
    expect(e.code).toBe('POLICY_VIOLATED')
    expect((e.details.failures as { rule: string }[]).map((f) => f.rule)).toEqual(['ad_complexity'])
    expect(ad.modifies).toEqual([])
  })

  it('the AD dialect refuses plain ldap:// (passwords only over TLS)', () => {
    expect(() => new LdapDirectory(config({ url: `ldap://127.0.0.1:${ad.port}` }), log)).toThrow(/TLS/)
  })
})
