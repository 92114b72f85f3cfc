// Issue 5: agents sign in to the standalone server with their directory credentials. The real
// slapd checks the password; directory groups give the reset roles and the assignment groups.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addPerson, ldapConfig, slapd, uidLayout, userBind, type LdapPerson } from '../helpers/ldap-fixtures'
import { ldapHelpdesk } from '../helpers/slapd'
import { freePort } from '../helpers/service'
import { errorOf } from '../helpers/backend-harness'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'
import { createBackend } from '../../electron/backend/index'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { nodeFetch } from '../helpers/transports'
import type { Session } from '../../electron/backend/operations'

const silent = { info() {}, error() {} }

describe.skipIf(slapd().missing !== null)('agents sign in with directory credentials', () => {
  let dir: string
  let server: ChildProcess
  let output = ''
  let baseUrl: string
  let agent: LdapPerson
  let outsider: LdapPerson

  beforeAll(async () => {
    agent = await addPerson({ prefix: 'agent', groups: ['RD Service Desk', 'Service Desk'] })
    outsider = await addPerson({ prefix: 'staff', groups: ['Service Desk'] })
    dir = mkdtempSync(join(tmpdir(), 'resetdesk-dirsignin-'))
    const config = ldapConfig()
    writeFileSync(
      join(dir, 'connectors.json'),
      JSON.stringify({
        version: 1,
        directory: {
          name: 'ldap',
          useAsDirectory: false,
          dialect: 'openldap',
          url: config.url,
          bindDn: config.bindDn,
          bindPassword: { secret: 'ldap-helpdesk' },
          ...uidLayout,
          agentSignIn: {
            groups: ['Service Desk'],
            roleGroups: { password_reset_service_desk: ['RD Service Desk'], password_reset_admin: ['RD Admins'] },
          },
        },
      }),
    )
    // A real desk has no demo data (G1): its one record, in the agents' directory group, is put in
    // the store before the server starts.
    const seeding = await createBackend({ store: { kind: 'sqlite', file: join(dir, 'server.sqlite') }, hashCost: { N: 1024 }, log: silent })
    await seeding.store.db
      .insertInto('records')
      .values({
        id: 'rec-dir-1',
        kind: 'incident',
        number: 'INC0090001',
        short_description: 'Cannot sign in',
        description: '',
        caller_id: null,
        caller_name: null,
        state: 'new',
        active: 1,
        priority: 3,
        channel: null,
        assignment_group: 'Service Desk',
        assigned_to: null,
        assigned_to_name: null,
        opened_at: new Date().toISOString(),
        search_text: 'inc0090001 cannot sign in',
      })
      .execute()
    await seeding.close()
    const port = await freePort()
    server = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
      env: {
        ...process.env,
        RESETDESK_SQLITE_FILE: join(dir, 'server.sqlite'),
        RESETDESK_SECRET: randomBytes(32).toString('base64'),
        RESETDESK_HASH_COST_LOG2: '10',
        RESETDESK_PORT: String(port),
        RESETDESK_CONNECTORS_FILE: join(dir, 'connectors.json'),
        // The server's secret manager hands it the delegated account's password.
        RESETDESK_SECRET_LDAP_HELPDESK: ldapHelpdesk.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout!.on('data', (d) => (output += d))
    server.stderr!.on('data', (d) => (output += d))
    baseUrl = `http://127.0.0.1:${port}`
    for (
      let i = 0;
      i < 300 &&
      !(await fetch(`${baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      if (server.exitCode !== null) throw new Error(output)
      await new Promise((r) => setTimeout(r, 100))
    }
  }, 60_000)

  afterAll(async () => {
    server?.kill('SIGTERM')
    await new Promise((r) => (server?.exitCode !== null ? r(null) : server.on('exit', r)))
    rmSync(dir, { recursive: true, force: true })
  })

  const connect = () => ({
    ops: createRemoteOperations({ baseUrl, secrets: new MemorySecretStore(), fetch: nodeFetch }),
    session: { agentId: null } as Session,
  })

  it('signs in with the directory password; directory groups give roles and assignment groups', async () => {
    const c = connect()
    const signedIn = await c.ops['session:signIn'](c.session, { username: agent.uid, password: agent.password })
    expect(signedIn).toMatchObject({
      id: agent.uid,
      username: agent.uid,
      displayName: agent.displayName,
      roles: ['password_reset_service_desk'],
    })
    expect(signedIn.groups.sort()).toEqual(['RD Service Desk', 'Service Desk'])
    // "My groups" works from the directory's groups.
    const mine = await c.ops['records:list'](c.session, { kind: 'incident', filter: 'my_groups', limit: 5 } as never)
    expect(mine.rows.every((r) => r.assignmentGroup === 'Service Desk')).toBe(true)
    expect(mine.rows.length).toBeGreaterThan(0)
  })

  it('refuses a wrong password, and an unknown user, alike', async () => {
    const c = connect()
    expect((await errorOf(c.ops['session:signIn'](c.session, { username: agent.uid, password: 'not-it' }))).code).toBe(
      'INVALID_CREDENTIALS',
    )
    expect((await errorOf(c.ops['session:signIn'](c.session, { username: 'nobody-here', password: 'whatever' }))).code).toBe(
      'INVALID_CREDENTIALS',
    )
    // No demo accounts beside a directory (G1): the README's demo password is refused.
    expect((await errorOf(c.ops['session:signIn'](c.session, { username: 'desk', password: 'desk-demo-2026' }))).code).toBe(
      'INVALID_CREDENTIALS',
    )
  })

  it('G3 an agent-group member in no role group is refused, naming the missing role groups', async () => {
    const c = connect()
    const e = await errorOf(c.ops['session:signIn'](c.session, { username: outsider.uid, password: outsider.password }))
    expect([e.code, e.details.missing]).toEqual(['NO_DESK_ROLE', 'role'])
    expect(e.details.roleGroups).toMatchObject({ password_reset_service_desk: ['RD Service Desk'] })
    expect(c.session.agentId).toBeNull()
  })

  it('G3 a directory user outside the agent groups is refused, even with a role group', async () => {
    const stranger = await addPerson({ prefix: 'stranger', groups: ['RD Service Desk'] })
    const c = connect()
    const e = await errorOf(c.ops['session:signIn'](c.session, { username: stranger.uid, password: stranger.password }))
    expect([e.code, e.details.missing, e.details.groups]).toEqual(['NOT_AN_AGENT', 'agent_group', ['Service Desk']])
  })

  it('never binds with an empty password (LDAP would treat it as anonymous)', async () => {
    const directory = new LdapDirectory(ldapConfig(), silent)
    expect(await directory.authenticate(agent.uid, '')).toBeNull()
    expect(await directory.authenticate(agent.uid, agent.password)).toMatchObject({ username: agent.uid })
    // ppolicy: three bad binds lock the agent; the directory then refuses even the right password.
    for (let i = 0; i < 3; i++) await userBind(outsider.dn, 'wrong')
    expect(await directory.authenticate(outsider.uid, outsider.password)).toBeNull()
  })

  it('keeps the directory password out of the server log', () => {
    expect(output).toContain('"event":"http_request"')
    expect(output).not.toContain(agent.password)
    expect(output).not.toContain(ldapHelpdesk.password)
  })
})
