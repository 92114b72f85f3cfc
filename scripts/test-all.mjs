// `npm test`'s last step: the unit and integration suite (vitest), then the E2E suite
// (@playwright/test), both always run; fails if either fails.
import { spawnSync } from 'node:child_process'

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const suites = [
  ['unit and integration (vitest)', ['vitest', 'run']],
  ['end-to-end (@playwright/test)', ['playwright', 'test']],
]
const failed = []
for (const [name, args] of suites) {
  const r = spawnSync(npx, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (r.status !== 0) failed.push(`${name}: exit ${r.status ?? r.signal}`)
}
if (failed.length) {
  console.error(`\nnpm test failed:\n  ${failed.join('\n  ')}`)
  process.exit(1)
}
