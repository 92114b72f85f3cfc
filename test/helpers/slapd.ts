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
/** The root DN (test setup only) and the delegated help-desk account of a directory with this suffix. */
export const slapdAccounts = (suffix: string) => ({
  root: { dn: `cn=admin,${suffix}`, password: 'root-test-pw' },
  helpdesk: { dn: `cn=helpdesk,ou=system,${suffix}`, password: 'helpdesk-test-pw' },
})
export const { root: ldapRoot, helpdesk: ldapHelpdesk } = slapdAccounts(ldapBase)

/** Which directory a slapd serves: its suffix and the LDIF attributes of the suffix entry. */
export interface SlapdTree {
  suffix: string
  topEntry: string
}
const exampleOrg: SlapdTree = {
  suffix: ldapBase,
  topEntry: 'objectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example',
}

const slapdBin = '/usr/sbin/slapd'

function slapdConf(dir: string, rootHash: string, tree: SlapdTree): string {
  const { root, helpdesk } = slapdAccounts(tree.suffix)
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
suffix   "${tree.suffix}"
rootdn   "${root.dn}"
rootpw   ${rootHash}
directory ${dir}/db
index objectClass eq
index uid,cn,mail,member eq
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${tree.suffix}"
ppolicy_hash_cleartext
ppolicy_use_lockout
# The delegated help-desk account: reset, unlock and must-change, but it is not the rootdn.
access to attrs=userPassword
  by self write
  by dn.exact="${helpdesk.dn}" write
  by anonymous auth
  by * none
access to *
  by dn.exact="${helpdesk.dn}" write
  by self read
  by users read
  by * none
`
}

function baseLdif(helpdeskHash: string, tree: SlapdTree): string {
  const ldapBase = tree.suffix
  const ldapPeople = `ou=people,${ldapBase}`
  const ldapGroups = `ou=groups,${ldapBase}`
  const { helpdesk: ldapHelpdesk } = slapdAccounts(ldapBase)
  return `dn: ${ldapBase}
${tree.topEntry}

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

export async function startSlapd(tree: SlapdTree = exampleOrg): Promise<{ url: string; stop(): void }> {
  const { root } = slapdAccounts(tree.suffix)
  const dir = mkdtempSync(join(tmpdir(), 'resetdesk-slapd-'))
  const port = await freePort()
  const url = `ldap://127.0.0.1:${port}`
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, hash(root.password), tree))
  writeFileSync(join(dir, 'base.ldif'), baseLdif(hash(slapdAccounts(tree.suffix).helpdesk.password), tree))
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
      execFileSync('ldapsearch', ['-x', '-H', url, '-D', root.dn, '-w', root.password, '-b', tree.suffix, '-s', 'base', 'dn'], {
        stdio: 'pipe',
      })
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
