// Issue 4 "done": the full wizard in the console (Chromium through the browser host) with the
// connectors configured from one connectors.json — a real slapd with ppolicy as the directory
// and credential store, a real SMTP server on loopback for codes, links and notices.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import {
  chooseUser,
  userPicker,
  expect,
  methodCard,
  openConsole,
  openRecord,
  startHost,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'
import { addPerson, ppolicyState, slapd, uidLayout, userBind } from '../helpers/ldap-fixtures'
import { ldapHelpdesk } from '../helpers/slapd'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { buildConnectors, loadConnectorsConfig, type Connectors } from '../../electron/backend/config/connectors-config'
import { startResetLinkServer } from '../../electron/backend/http/reset-link-page'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'

const alexRecord = 'INC0010004' // assigned to desk; the LDAP user is found by searching the directory
const NEW_PASSWORD = 'amber-canyon-whistle-2026'

test.describe('the wizard with the LDAP store and SMTP configured', () => {
  test.skip(!!slapd().missing, `slapd is missing: ${slapd().missing}`)
  let browser: Browser
  let host: BrowserHost
  let sink: SmtpSink
  let connectors: Connectors
  let resetPage: { url: string; close(): Promise<void> }
  let dataDir: string

  test.beforeAll(async ({ browser: b }) => {
    browser = b
    sink = await startSmtpSink({ user: 'resetdesk', password: 'smtp-e2e-secret' })
    resetPage = await startResetLinkServer({ complete: (t, p) => host.backend.completeResetLink(t, p) })
    // The one connectors file, as an administrator writes it: no secret in it.
    dataDir = mkdtempSync(join(tmpdir(), 'resetdesk-e2e-conn-'))
    writeFileSync(
      join(dataDir, 'connectors.json'),
      JSON.stringify({
        version: 1,
        directory: { dialect: 'openldap', url: slapd().url, bindDn: ldapHelpdesk.dn, bindPassword: { secret: 'ldap-bind' }, ...uidLayout },
        email: {
          host: '127.0.0.1',
          port: sink.port,
          secure: false,
          user: 'resetdesk',
          password: { secret: 'smtp' },
          from: 'Service Desk <desk@example.org>',
          timeoutMs: 5000,
        },
        resetPage: { publicUrl: resetPage.url },
      }),
    )
    const secrets = new MemorySecretStore()
    await secrets.set('ldap-bind', ldapHelpdesk.password)
    await secrets.set('smtp', 'smtp-e2e-secret')
    connectors = await buildConnectors(loadConnectorsConfig({ dataDir })!.config, secrets, { info: () => {}, error: () => {} })
    host = await startHost({ backend: connectors.backend })
    await host.backend.store.db
      .insertInto('processes')
      .values(
        processRow(
          processSchema.parse({
            id: 'proc-directory',
            name: 'Directory staff',
            description: 'People in the corporate directory.',
            appliesToGroups: ['Directory Staff'],
            protectedAccounts: false,
            credentialStore: 'ldap',
            methods: ['email_code', 'personal_data_confirm'],
            requiredPasses: 1,
            resetMethods: ['email_link', 'manual'],
            unlock: true,
            requireChange: true,
            requiresApproval: false,
            policy: {},
            settings: {},
          }),
        ),
      )
      .execute()
  })
  test.afterAll(async () => {
    await host?.close()
    connectors?.close()
    await resetPage?.close()
    await sink?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  /** Identify: search the directory for the person and pick the directory process. */
  async function identifyDirectoryUser(page: Page, uid: string, displayName: string) {
    await openRecord(page, alexRecord)
    await startWizard(page)
    await chooseUser(page, uid, new RegExp(`^${displayName} \\(${uid}\\)`))
    await expect(userPicker(page)).toHaveValue(displayName)
    await page.getByRole('radio', { name: 'Directory staff' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: /^Verify / }).first()).toBeVisible()
  }

  async function exitFlow(page: Page) {
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await page.getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
  }

  test('R5.1 + R6.3: a locked directory user verified by an emailed code is reset, unlocked and must change at next sign-in', async () => {
    const person = await addPerson({ groups: ['Directory Staff'], prefix: 'e2e' })
    for (let i = 0; i < 3; i++) await userBind(person.dn, 'wrong')
    expect((await ppolicyState(person.dn)).locked).toBe(true)
    const { page, pageErrors } = await openConsole(browser, host, 'desk')

    await identifyDirectoryUser(page, person.uid, person.displayName)
    const card = await methodCard(page, 'Email code')
    const before = sink.mails.length
    await card.getByRole('button', { name: 'Send verification code' }).click()
    // The caller reads the code from the mail that arrived over SMTP.
    const mail = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.to.includes(person.mail))
    const code = mail.text.match(/\b(\d{6,12})\b/)![1]!
    await card.getByLabel('Code the caller reads back').fill(code)
    await card.getByRole('button', { name: 'Check code' }).click()
    await expect(card.getByText('Passed.').first()).toBeVisible()
    await page.getByRole('button', { name: 'Continue to reset' }).click()

    await expect(page.getByRole('heading', { name: `Reset the password of ${person.displayName}` }).first()).toBeVisible()
    await page.getByRole('radio', { name: 'Type a new password' }).check()
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('Re-enter the new password').fill(NEW_PASSWORD)
    await expect(page.getByText('The password meets the policy.').first()).toBeVisible()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()

    // The directory agrees: unlocked, must change, the new password signs in.
    expect(await ppolicyState(person.dn)).toEqual({ locked: false, pwdReset: true })
    expect(await userBind(person.dn, NEW_PASSWORD)).toBe('ok')
    await sink.waitFor((m) => m.to.includes(person.mail) && m.subject === 'Your password was reset') // B11
    await exitFlow(page)
    expect(pageErrors).toEqual([])
    await page.context().close()
  })

  test('R6.1: the emailed link completes the reset on the reset page, against the directory', async () => {
    const person = await addPerson({ groups: ['Directory Staff'], prefix: 'e2e' })
    const { page, pageErrors } = await openConsole(browser, host, 'desk')
    await identifyDirectoryUser(page, person.uid, person.displayName)
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await page.getByRole('radio', { name: 'Send email with instructions' }).check()
    const before = sink.mails.length
    await page.getByRole('button', { name: 'Send instructions' }).click()
    const mail = await sink.waitFor(
      (m) => sink.mails.indexOf(m) >= before && m.to.includes(person.mail) && m.subject === 'Reset your password',
    )
    await exitFlow(page)
    expect(pageErrors).toEqual([])
    await page.context().close()

    // The user, in their own browser, opens the link from the mail.
    const link = mail.text.match(/https?:\/\/\S+#token=[\w-]+/)![0]
    const user = await browser.newContext()
    const userPage = await user.newPage()
    await userPage.goto(link)
    await userPage.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await userPage.getByLabel('New password again').fill(NEW_PASSWORD)
    await userPage.getByRole('button', { name: 'Set new password' }).click()
    await expect(userPage.getByText('Your password has been changed').first()).toBeVisible()
    await user.close()
    expect(await userBind(person.dn, NEW_PASSWORD)).toBe('ok')
    expect(await userBind(person.dn, person.password)).toBe('InvalidCredentialsError')
  })
})
