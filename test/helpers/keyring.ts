// A private D-Bus session bus with an unlocked gnome-keyring, so keytar talks to a real Secret
// Service (see ../shared/recipes/keytar-run.sh). Tests point DBUS_SESSION_BUS_ADDRESS at it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServiceAddress, ServiceStarter } from './service'

declare module 'vitest' {
  export interface ProvidedContext {
    keyring: ServiceAddress
  }
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

export const keyringService: ServiceStarter = {
  name: 'keyring',
  async start() {
    if (!has('dbus-daemon')) return { missing: 'dbus-daemon is not installed (apt-get install dbus)' }
    if (!has('gnome-keyring-daemon')) return { missing: 'gnome-keyring is not installed (apt-get install gnome-keyring)' }
    const home = mkdtempSync(join(tmpdir(), 'resetdesk-keyring-'))
    const env = {
      ...process.env,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_RUNTIME_DIR: join(home, 'run'),
      HOME: home,
    }
    for (const d of [env.XDG_DATA_HOME, env.XDG_CACHE_HOME, env.XDG_RUNTIME_DIR]) mkdirSync(d, { recursive: true, mode: 0o700 })
    const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { env, encoding: 'utf8' })
    const [address, pid] = bus.stdout.trim().split('\n')
    if (bus.status !== 0 || !address) return { missing: `dbus-daemon did not start: ${bus.stderr}` }
    const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    keyring.stdin.end('resetdesk-test-keyring')
    const started = await new Promise<boolean>((resolve) => {
      keyring.on('exit', (code) => resolve(code === 0))
      keyring.on('error', () => resolve(false))
    })
    const stop = () => {
      if (pid) spawnSync('kill', [pid])
      rmSync(home, { recursive: true, force: true })
    }
    if (!started) {
      stop()
      return { missing: 'gnome-keyring-daemon did not unlock a keyring' }
    }
    return { url: address, stop }
  },
}
