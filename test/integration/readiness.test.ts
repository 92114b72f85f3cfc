// F1 on the standalone server, as a load balancer sees it: /readyz answers 503 naming the
// dependency that is down (database, directory, mail) and nothing else (no address, no bind
// name), and 200 again once it is back; /healthz stays liveness only. Real services: PostgreSQL
// on a cluster of this file's own (stopped and started again), slapd behind a proxy that can
// refuse connections, an SMTP server on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClusterDatabase, findPgBin, startPgCluster, type PgCluster } from '../helpers/pg-cluster'
import { ldapConfig, slapd, uidLayout } from '../helpers/ldap-fixtures'
import { startLdapProxy, type LdapProxy } from '../helpers/ldap-proxy'
import { ldapHelpdesk } from '../helpers/slapd'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { startReplica, type Replica } from '../helpers/replica'

const bin = findPgBin()
const canRun = bin !== null && process.getuid?.() === 0 && slapd().missing === null
if (!canRun && process.env.CI === 'true') throw new Error('the readiness test needs PostgreSQL (as root) and slapd under CI')

describe.skipIf(!canRun)('F1 /readyz on the standalone server (own PostgreSQL cluster, slapd, SMTP)', () => {
  let cluster: PgCluster
  let proxy: LdapProxy
  let sink: SmtpSink
  let dir: string
  let server: Replica

  const ready = async () => {
    const response = await fetch(`${server.url}/readyz`)
    return { status: response.status, text: await response.text() }
  }
  /** Not ready, naming `down` only, with no address and no bind name; alive all the same. */
  const expectNotReady = async (down: 'database' | 'directory' | 'mail') => {
    const r = await ready()
    expect(r.status).toBe(503)
    expect(JSON.parse(r.text)).toEqual({ ok: false, dependencies: { database: 'up', directory: 'up', mail: 'up', [down]: 'down' } })
    for (const s of [
      '127.0.0.1',
      'localhost',
      new URL(proxy.url).port,
      String(sink.port),
      new URL(cluster.url).port,
      ldapHelpdesk.dn,
      ldapHelpdesk.password,
      'app:app',
    ]) {
      expect(r.text).not.toContain(s)
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(server.alive()).toBe(true)
  }

  beforeAll(async () => {
    cluster = await startPgCluster(bin!)
    const database = await createClusterDatabase(cluster, 'ready')
    proxy = await startLdapProxy(slapd().url!)
    sink = await startSmtpSink()
    dir = mkdtempSync(join(tmpdir(), 'resetdesk-ready-'))
    // The LDAP connector serves resets only (not the user search): it is a dependency all the same.
    writeFileSync(
      join(dir, 'connectors.json'),
      JSON.stringify({
        version: 1,
        directory: {
          name: 'ldap',
          useAsDirectory: false,
          dialect: 'openldap',
          url: proxy.url,
          bindDn: ldapConfig().bindDn,
          timeoutMs: 1000,
          bindPassword: { secret: 'ldap-helpdesk' },
          ...uidLayout,
        },
        email: { host: '127.0.0.1', port: sink.port, secure: false, from: 'desk@example.org', timeoutMs: 1000 },
      }),
    )
    server = await startReplica({
      RESETDESK_DATABASE_URL: database,
      RESETDESK_SECRET: Buffer.alloc(32, 7).toString('base64'),
      RESETDESK_HASH_COST_LOG2: '10',
      RESETDESK_CONNECTORS_FILE: join(dir, 'connectors.json'),
      RESETDESK_SECRET_LDAP_HELPDESK: ldapHelpdesk.password,
    })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await proxy?.close()
    await sink?.close()
    cluster?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('every dependency answers: 200, each named up', async () => {
    const r = await ready()
    expect(r.status).toBe(200)
    expect(JSON.parse(r.text)).toEqual({ ok: true, dependencies: { database: 'up', directory: 'up', mail: 'up' } })
  })

  it('the directory refuses connections: 503 naming the directory, no address; liveness unchanged; back: 200', async () => {
    proxy.mode = 'refuse'
    try {
      await expectNotReady('directory')
    } finally {
      proxy.mode = 'pass'
    }
    expect((await ready()).status).toBe(200)
  })

  it('PostgreSQL stopped: 503 naming the database; liveness unchanged; started again: 200', async () => {
    cluster.halt()
    try {
      await expectNotReady('database')
    } finally {
      cluster.resume()
    }
    // The pool's clients died with the server; the next probe reconnects.
    await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(200)
  }, 60_000)

  it('the mail server gone: 503 naming mail', async () => {
    await sink.close()
    await expectNotReady('mail')
  })
})
