// G3: a sign-in with an unknown user name costs what one with a known name and a wrong password
// costs, at the production scrypt cost. Prints both medians side by side.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBackend } from '../electron/backend/index'
import { productionHashCost, slowHash } from '../electron/backend/crypto/secrets'
import { signIn } from '../electron/backend/rules/sessions'

const ROUNDS = 15
const dir = mkdtempSync(join(tmpdir(), 'resetdesk-sign-in-bench-'))
const backend = await createBackend({
  store: { kind: 'sqlite', file: join(dir, 'bench.sqlite') },
  hashCost: productionHashCost,
  log: { info() {}, error() {} },
})
await backend.store.db
  .insertInto('agents')
  .values({
    id: 'bench-agent',
    username: 'bench.agent',
    display_name: 'Bench Agent',
    password_hash: await slowHash('the-right-password', productionHashCost),
    roles: '[]',
    groups: '[]',
  })
  .execute()

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!

async function time(username: string, i: number): Promise<number> {
  // Earlier tries stay in the window's count: clear them so the throttle never answers instead.
  await backend.store.db.deleteFrom('throttle_attempts').execute()
  const start = process.hrtime.bigint()
  await signIn(backend.ctx, username, 'wrong-password', `bench-${i}`).catch(() => {})
  return Number(process.hrtime.bigint() - start) / 1e6
}

// Interleaved, so load from elsewhere on the machine falls on both alike.
const knownTimes: number[] = []
const unknownTimes: number[] = []
for (let i = 0; i < ROUNDS; i++) {
  knownTimes.push(await time('bench.agent', i))
  unknownTimes.push(await time(`no-such-agent-${i}`, i))
}
const known = median(knownTimes)
const unknown = median(unknownTimes)
console.log(
  `sign-in (scrypt N=${productionHashCost.N}), median of ${ROUNDS}: known name, wrong password ${known.toFixed(1)} ms | unknown name ${unknown.toFixed(1)} ms | ratio ${(unknown / known).toFixed(2)}`,
)
await backend.close()
rmSync(dir, { recursive: true, force: true })
