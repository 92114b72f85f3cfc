// `npm run test:electron`: the launch suite that runs the real Electron app (issue 13). Where the
// Electron binary is missing (its download failed or was skipped, as on machines without
// internet) it says so loudly and exits 0 without running or counting any test.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'

let binary = null
try {
  binary = createRequire(import.meta.url)('electron')
} catch {
  binary = null
}
if (typeof binary !== 'string' || !existsSync(binary)) {
  const line = '*'.repeat(78)
  console.log(
    `\n${line}\n*** ELECTRON LAUNCH SUITE NOT RUN: the Electron binary is not installed here.\n*** (npm install downloads it; ELECTRON_SKIP_BINARY_DOWNLOAD=1 or no network skips it.)\n*** No test was run or counted. Run this on a developer machine with internet.\n${line}\n`,
  )
  process.exit(0)
}
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.electron.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, RESETDESK_ELECTRON_BINARY: binary },
})
process.exit(run.status ?? 1)
