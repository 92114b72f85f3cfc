// G8, day one: a desk that starts from nothing. An empty PostgreSQL store, a directory the test
// builds (people named by cn in nested OUs under o=Day One Corp, agents in their own OU, roles
// through a nested group), the standalone server as its own process, SMTP on loopback and the
// ITSM's webhook receiver. In Chromium, against that server (remote mode): an admin signs in
// through the directory and creates the question catalogue, a process, an API key and a webhook;
// the user enrols on the enrolment page; the ITSM puts an incident through the integration API;
// an agent takes it, verifies by security questions, resets by auto-generate and exits. Then the
// user binds with the new password, the receiver holds the signed work note, the chain verifies.
import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { Client } from 'ldapts'
import pg from 'pg'
import type { Browser, Page } from '@playwright/test'
import { userPicker, expect, methodCard, screenshot, seriousAxeViolations, startHost, test, type BrowserHost } from './host/fixture'
import { startSlapd, slapdAccounts } from '../helpers/slapd'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { startReplica, type Replica } from '../helpers/replica'
import { e2eService } from './host/services'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'

const services = { postgres: e2eService('postgres'), slapd: e2eService('slapd') }
const unavailable = services.postgres.missing ?? services.slapd.missing

const suffix = 'o=Day One Corp'
const dn = {
  caller: `cn=Quinn Caller,ou=Finance,ou=Dublin,ou=Staff,${suffix}`,
  admin: `cn=Ada Admin,ou=Agents,${suffix}`,
  agent: `cn=Dev Desk,ou=Agents,${suffix}`,
  agentsGroup: `cn=ResetDesk Agents,ou=Desk Groups,${suffix}`,
  admins: `cn=ResetDesk Admins,ou=Desk Groups,${suffix}`,
  tier1: `cn=Tier 1,ou=Desk Groups,${suffix}`,
  serviceDesk: `cn=Service Desk,ou=Desk Groups,${suffix}`,
  staff: `cn=Staff,ou=Desk Groups,${suffix}`,
}
const passwords = {
  caller: `Quinn-${randomBytes(6).toString('hex')}-pw`,
  admin: `Ada-${randomBytes(6).toString('hex')}-pw`,
  agent: `Dev-${randomBytes(6).toString('hex')}-pw`,
}

/** The ITSM's webhook receiver: keeps every request with its raw body and headers. */
async function startReceiver(): Promise<{
  url: string
  received: { headers: Record<string, string>; body: string }[]
  close(): Promise<void>
}> {
  const received: { headers: Record<string, string>; body: string }[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/resetdesk`,
    received,
    close: () => new Promise((ok) => server.close(() => ok())),
  }
}

async function bindAs(url: string, who: string, password: string): Promise<boolean> {
  const c = new Client({ url, timeout: 5000, connectTimeout: 5000 })
  try {
    await c.bind(who, password)
    return true
  } catch {
    return false
  } finally {
    await c.unbind().catch(() => {})
  }
}

test.describe('G8 day one: from an empty store to a reset, on a directory the test builds', () => {
  let browser: Browser
  let slapd: { url: string; stop(): void }
  let smtp: SmtpSink
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let server: Replica
  let host: BrowserHost
  let dir: string
  let dbUrl: string

  test.skip(!!unavailable, `a service is missing: ${unavailable}`)
  test.beforeAll(async ({ browser: b }) => {
    // The directory, as a desk's IT would have it.
    slapd = await startSlapd({ suffix, topEntry: 'objectClass: organization\no: Day One Corp' })
    const { root, helpdesk } = slapdAccounts(suffix)
    const c = new Client({ url: slapd.url, timeout: 5000, connectTimeout: 5000 })
    await c.bind(root.dn, root.password)
    try {
      for (const ou of [
        `ou=Staff,${suffix}`,
        `ou=Dublin,ou=Staff,${suffix}`,
        `ou=Finance,ou=Dublin,ou=Staff,${suffix}`,
        `ou=Agents,${suffix}`,
        `ou=Desk Groups,${suffix}`,
      ]) {
        await c.add(ou, { objectClass: ['organizationalUnit'], ou: ou.slice(3, ou.indexOf(',')) })
      }
      await c.add(dn.caller, {
        objectClass: ['inetOrgPerson'],
        cn: 'Quinn Caller',
        sn: 'Caller',
        mail: 'quinn.caller@dayone.example',
        userPassword: passwords.caller,
      })
      await c.add(dn.admin, { objectClass: ['inetOrgPerson'], cn: 'Ada Admin', sn: 'Admin', userPassword: passwords.admin })
      await c.add(dn.agent, { objectClass: ['inetOrgPerson'], cn: 'Dev Desk', sn: 'Desk', userPassword: passwords.agent })
      const group = (g: string, member: string[]) => c.add(g, { objectClass: ['groupOfNames'], cn: g.slice(3, g.indexOf(',')), member })
      await group(dn.agentsGroup, [dn.admin, dn.agent])
      await group(dn.admins, [dn.admin])
      await group(dn.tier1, [dn.agent])
      await group(dn.serviceDesk, [dn.tier1]) // the desk role comes through this nested group
      await group(dn.staff, [dn.caller])
    } finally {
      await c.unbind()
    }

    smtp = await startSmtpSink()
    receiver = await startReceiver()
    // An empty database of its own on the suite's PostgreSQL.
    const admin = new pg.Client({ connectionString: services.postgres.url! })
    await admin.connect()
    const name = `day_one_${randomBytes(4).toString('hex')}`
    await admin.query(`create database ${name}`)
    await admin.end()
    dbUrl = services.postgres.url!.replace(/\/postgres$/, `/${name}`)

    dir = mkdtempSync(join(tmpdir(), 'resetdesk-day-one-'))
    const connectors = join(dir, 'connectors.json')
    writeFileSync(
      connectors,
      JSON.stringify({
        version: 1,
        directory: {
          dialect: 'openldap',
          url: slapd.url,
          bindDn: helpdesk.dn,
          bindPassword: { secret: 'ldap-bind' },
          callers: { base: `ou=Staff,${suffix}`, scope: 'sub', filter: '(objectClass=inetOrgPerson)' },
          agents: { base: `ou=Agents,${suffix}`, scope: 'one' },
          loginAttribute: 'cn',
          groups: { membership: 'member', base: `ou=Desk Groups,${suffix}`, nested: 'search', maxDepth: 3 },
          agentSignIn: {
            groups: [dn.agentsGroup],
            roleGroups: { password_reset_service_desk: [dn.serviceDesk], password_reset_admin: ['ResetDesk Admins'] },
          },
        },
        email: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'ResetDesk <resetdesk@dayone.example>' },
      }),
    )
    server = await startReplica({
      RESETDESK_DATABASE_URL: dbUrl,
      RESETDESK_SECRET: randomBytes(32).toString('base64'),
      RESETDESK_CONNECTORS_FILE: connectors,
      RESETDESK_SECRET_LDAP_BIND: helpdesk.password,
      RESETDESK_HASH_COST_LOG2: '10',
    })
    // The console in Chromium, in remote mode against that server (the host's own store is unused).
    host = await startHost({
      operations: () => createRemoteOperations({ baseUrl: server.url, secrets: new MemorySecretStore(), fetch: (u, i) => fetch(u, i) }),
    })
    browser = b
  })

  test.afterAll(async () => {
    await host?.close()
    await server?.stop()
    await receiver?.close()
    await smtp?.close()
    slapd?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  async function consoleAs(login: string, password: string): Promise<{ page: Page; errors: string[] }> {
    const { bridgeInitScript } = await import('./host/server')
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(host.url)
    await page.getByLabel('User name').fill(login)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByText(/Signed in as/).first()).toBeVisible({ timeout: 20_000 })
    return { page, errors }
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } })

  test('goes from an empty store to a verified, audited reset whose work note reaches the ITSM', async () => {
    test.setTimeout(240_000)
    const started = Date.now()
    // Nothing of the demo desk: a directory member with no desk role is not an agent here either.
    expect(
      (await api('/api/session/signIn', { method: 'POST', body: JSON.stringify({ username: 'desk', password: 'desk-demo-2026' }) })).status,
    ).toBe(401)

    // 1. The admin signs in through the directory and sets the desk up in the console.
    const { page: adminPage, errors: adminErrors } = await consoleAs('Ada Admin', passwords.admin)
    await adminPage.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Administration' }).click()
    await expect(adminPage.getByRole('heading', { name: 'Administration', level: 1 }).first()).toBeVisible()

    await adminPage.getByRole('tab', { name: 'Security questions' }).click()
    const questions = [
      'What was the name of your first school?',
      'What is the middle name of your oldest sibling?',
      'In which town did you meet your partner?',
    ]
    for (const [i, text] of questions.entries()) {
      await adminPage.getByRole('button', { name: 'Add a question' }).click()
      await adminPage.getByLabel(`Question ${i + 1}`, { exact: true }).fill(text)
    }
    await adminPage.getByLabel('Questions each user must answer').fill('2')
    await adminPage.getByRole('button', { name: 'Save questions' }).click()
    await expect(adminPage.getByRole('status').getByText('Saved.').first()).toBeVisible()
    expect(await seriousAxeViolations(adminPage)).toEqual([])

    await adminPage.getByRole('tab', { name: 'Processes' }).click()
    await adminPage.getByRole('button', { name: 'New process' }).click()
    await adminPage.getByLabel('Name', { exact: true }).fill('Staff password reset')
    await adminPage.getByLabel('Description').fill('Staff, verified by their security questions.')
    await adminPage.getByLabel('Eligible groups, one per line').fill('Staff')
    await adminPage.getByLabel('Credential store').selectOption('ldap')
    await adminPage.getByRole('checkbox', { name: 'Email code' }).uncheck()
    await adminPage.getByRole('checkbox', { name: 'Security questions' }).check()
    await adminPage.getByRole('button', { name: 'Create process' }).click()
    await expect(adminPage.getByRole('row', { name: /Staff password reset/ }).first()).toBeVisible()

    await adminPage.getByRole('tab', { name: 'API keys' }).click()
    await adminPage.getByLabel('Name (which system uses it)').fill('ServiceNow')
    await adminPage.getByRole('button', { name: 'Create key' }).click()
    const keyRegion = adminPage.getByRole('region', { name: 'New key "ServiceNow"' })
    await expect(keyRegion.first()).toBeVisible()
    const apiKey = (await keyRegion.locator('code').innerText()).trim()
    expect(apiKey).toMatch(/^rdk_/)
    expect(await seriousAxeViolations(adminPage)).toEqual([])
    await keyRegion.getByRole('button', { name: 'I have stored it' }).click()

    await adminPage.getByRole('tab', { name: 'Webhooks' }).click()
    await adminPage.getByRole('button', { name: 'New webhook' }).click()
    await adminPage.getByLabel('Name', { exact: true }).fill('ServiceNow work notes')
    await adminPage.getByLabel('Receiver URL').fill(receiver.url)
    await adminPage.getByRole('button', { name: 'Create webhook' }).click()
    const secretRegion = adminPage.getByRole('region', { name: 'Signing secret of "ServiceNow work notes"' })
    await expect(secretRegion.first()).toBeVisible()
    const signingSecret = (await secretRegion.locator('code').innerText()).trim()
    expect(signingSecret).toMatch(/^whsec_/)
    expect(await seriousAxeViolations(adminPage)).toEqual([])
    await secretRegion.getByRole('button', { name: 'I have stored it' }).click()
    await screenshot(adminPage, 'day-one-1-admin-webhooks')
    expect(adminErrors).toEqual([])
    await adminPage.getByRole('button', { name: 'Sign out' }).click()
    await adminPage.context().close()

    // 2. The user enrols on the enrolment page the server serves, with their directory password.
    const enrolContext = await browser.newContext()
    const enrol = await enrolContext.newPage()
    await enrol.goto(`${server.url}/enrol`)
    await enrol.getByLabel('User name').fill('Quinn Caller')
    await enrol.getByLabel('Password').fill(passwords.caller)
    await enrol.getByRole('button', { name: 'Sign in' }).click()
    await expect(enrol.getByRole('heading', { name: 'Signed in as Quinn Caller' }).first()).toBeVisible()
    await enrol.getByLabel('Question 1').selectOption({ label: questions[0]! })
    await enrol.getByLabel('Answer 1').fill('Scoil Mhuire')
    await enrol.getByLabel('Question 2').selectOption({ label: questions[2]! })
    await enrol.getByLabel('Answer 2').fill('Galway')
    await enrol.getByRole('button', { name: 'Save answers' }).click()
    await expect(enrol.getByText('Your answers are saved.').first()).toBeVisible()
    await screenshot(enrol, 'day-one-2-enrolment')
    await enrolContext.close()

    // 3. The ITSM puts an incident for the caller (by email) into the agent's group.
    const put = await api('/api/integration/v1/incidents/INC0100001', {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        caller: 'quinn.caller@dayone.example',
        shortDescription: 'Forgot password after leave',
        state: 'New',
        priority: 3,
        assignmentGroup: 'Tier 1',
      }),
    })
    expect(put.status).toBe(201)
    expect(((await put.json()) as { data: { record: { caller: { matched: boolean } } } }).data.record.caller.matched).toBe(true)

    // 4. The agent takes it, verifies by security questions, resets by auto-generate and exits.
    const { page, errors } = await consoleAs('Dev Desk', passwords.agent)
    await page.getByRole('radio', { name: 'My groups' }).check()
    await page.getByLabel('Search').fill('INC0100001')
    await page.getByRole('button', { name: 'INC0100001', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: /INC0100001/ }).first()).toBeVisible()
    await page.getByRole('button', { name: 'Assign to me' }).first().click()
    await expect(page.getByRole('button', { name: 'More actions' }).first()).toBeVisible()
    await page.getByRole('button', { name: 'More actions' }).click()
    await page.getByRole('menuitem', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Identify the user' }).first()).toBeVisible()
    await expect(userPicker(page)).toHaveValue('Quinn Caller')
    await page.getByRole('radio', { name: 'Staff password reset' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: /^Verify / }).first()).toBeVisible()
    const card = await methodCard(page, 'Security questions')
    await card.getByLabel(questions[0]!).fill('scoil  mhuire')
    await card.getByLabel(questions[2]!).fill('GALWAY')
    await card.getByRole('button', { name: 'Check answers' }).click()
    await expect(card.getByText('Passed.').first()).toBeVisible()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible({ timeout: 20_000 })
    const password = await page.getByTestId('generated-password').innerText()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'day-one-3-done')
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(page.getByRole('dialog', { name: 'End this password reset?' }).first()).toBeVisible()
    await page.getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    expect(errors).toEqual([])

    // 5. The user's new password binds; the old one does not.
    expect(await bindAs(slapd.url, dn.caller, password)).toBe(true)
    expect(await bindAs(slapd.url, dn.caller, passwords.caller)).toBe(false)

    // 6. The receiver holds the work note, signed over timestamp.body with the secret shown once.
    const deadline = Date.now() + 15_000
    const isExitNote = (r: { body: string }) =>
      r.body.includes('"work_note.added"') && r.body.includes('Password shared with the user: yes')
    while (!receiver.received.some(isExitNote) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 200))
    const note = receiver.received.find(isExitNote)!
    expect(note).toBeDefined()
    const timestamp = note.headers['x-resetdesk-timestamp']!
    expect(note.headers['x-resetdesk-signature']).toBe(
      `sha256=${createHmac('sha256', signingSecret).update(`${timestamp}.${note.body}`).digest('hex')}`,
    )
    const payload = JSON.parse(note.body) as { record: { number: string }; data: { text: string } }
    expect(payload.record.number).toBe('INC0100001')
    expect(note.body).not.toContain(password)

    // 7. The audit chain verifies (as the admin, over the API).
    const signIn = await api('/api/session/signIn', {
      method: 'POST',
      body: JSON.stringify({ username: 'Ada Admin', password: passwords.admin }),
    })
    const { accessToken } = ((await signIn.json()) as { data: { accessToken: string } }).data
    const verify = await api('/api/rpc/audit:verify', { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: '{}' })
    const chain = ((await verify.json()) as { data: { ok: boolean; count: number } }).data
    expect(chain.ok).toBe(true)
    expect(chain.count).toBeGreaterThan(10)
    console.log(`[G8] day one, from an empty store to the signed work note: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  })
})
