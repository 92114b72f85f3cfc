// A throwaway OpenLDAP slapd for the test run: a generated slapd.conf with the ppolicy overlay
// (three bad binds lock an account), data loaded offline with slapadd, started on a free
// loopback port and killed at the end. Needs Debian's slapd and ldap-utils packages.
// The app binds as the delegated help-desk account; the root DN is for test setup only.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './service'
import type { ServiceAddress, ServiceStarter } from './service'

declare module 'vitest' {
  export interface ProvidedContext {
    slapd: ServiceAddress
  }
}

export const ldapBase = 'dc=example,dc=org'
export const ldapPeople = `ou=people,${ldapBase}`
export const ldapGroups = `ou=groups,${ldapBase}`
export const ldapRoot = { dn: `cn=admin,${ldapBase}`, password: 'root-test-pw' }
export const ldapHelpdesk = { dn: `cn=helpdesk,ou=system,${ldapBase}`, password: 'helpdesk-test-pw' }

const slapdBin = '/usr/sbin/slapd'

function slapdConf(dir: string, rootHash: string): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile  ${dir}/slapd.pid
argsfile ${dir}/slapd.args
loglevel none
database mdb
maxsize  104857600
suffix   "${ldapBase}"
rootdn   "${ldapRoot.dn}"
rootpw   ${rootHash}
directory ${dir}/db
index objectClass eq
index uid,cn,mail,member eq
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${ldapBase}"
ppolicy_hash_cleartext
ppolicy_use_lockout
# The delegated help-desk account: reset, unlock and must-change, but it is not the rootdn.
access to attrs=userPassword
  by self write
  by dn.exact="${ldapHelpdesk.dn}" write
  by anonymous auth
  by * none
access to *
  by dn.exact="${ldapHelpdesk.dn}" write
  by self read
  by users read
  by * none
`
}

function baseLdif(helpdeskHash: string): string {
  return `dn: ${ldapBase}
objectClass: top
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ${ldapPeople}
objectClass: organizationalUnit
ou: people

dn: ${ldapGroups}
objectClass: organizationalUnit
ou: groups

dn: ou=system,${ldapBase}
objectClass: organizationalUnit
ou: system

dn: ou=policies,${ldapBase}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${ldapBase}
objectClass: top
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 3
pwdLockoutDuration: 0
pwdFailureCountInterval: 0
pwdInHistory: 0
pwdCheckQuality: 0
pwdAllowUserChange: TRUE
pwdMustChange: FALSE

dn: ${ldapHelpdesk.dn}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: helpdesk
userPassword: ${helpdeskHash}
`
}

const hash = (pw: string) => execFileSync('slappasswd', ['-s', pw]).toString().trim()

export async function startSlapd(): Promise<{ url: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'resetdesk-slapd-'))
  const port = await freePort()
  const url = `ldap://127.0.0.1:${port}`
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, hash(ldapRoot.password)))
  writeFileSync(join(dir, 'base.ldif'), baseLdif(hash(ldapHelpdesk.password)))
  execFileSync('mkdir', ['-p', join(dir, 'db')])
  execFileSync('slaptest', ['-Q', '-u', '-f', join(dir, 'slapd.conf')], { stdio: 'pipe' })
  execFileSync('slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'base.ldif')], { stdio: 'pipe' })
  execFileSync(slapdBin, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`], { stdio: 'pipe' }) // daemonizes
  const stop = () => {
    try {
      const pid = Number(readFileSync(join(dir, 'slapd.pid'), 'utf8').trim())
      if (pid > 0) process.kill(pid, 'SIGTERM')
    } catch {
      // already gone
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('ldapsearch', ['-x', '-H', url, '-D', ldapRoot.dn, '-w', ldapRoot.password, '-b', ldapBase, '-s', 'base', 'dn'], { stdio: 'pipe' })
      return { url, stop }
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  stop()
  throw new Error(`slapd did not answer on ${url}`)
}

export const slapdService: ServiceStarter = {
  name: 'slapd',
  async start() {
    if (!existsSync(slapdBin)) return { missing: 'slapd is not installed (apt-get install slapd ldap-utils)' }
    try {
      execFileSync('slappasswd', ['-s', 'probe'], { stdio: 'pipe' })
    } catch {
      return { missing: 'slappasswd is missing (apt-get install slapd)' }
    }
    try {
      return await startSlapd()
    } catch (e) {
      return { missing: `slapd did not start: ${(e as Error).message}` }
    }
  },
}
