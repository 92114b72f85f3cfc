// A backend on a real store with a clock the test moves, a log it reads, and signed-in agents.
import { createBackend, type Backend, type BackendConfig } from '../../electron/backend/index'
import type { Session } from '../../electron/backend/operations'
import type { StoreVariant } from './stores'
import type { Channel, InputOf, OutputOf } from '../../shared/ipc/contract'
import { contract } from '../../shared/ipc/contract'
import { AppError } from '../../shared/errors'

export class TestClock {
  constructor(public current = new Date('2026-11-27T09:00:00.000Z')) {}
  now = () => new Date(this.current)
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms)
  }
}

export interface Harness {
  backend: Backend
  clock: TestClock
  logLines: string[]
  /** Calls an operation as an agent, parsing the input with the contract as main does. */
  call<C extends Channel>(agent: Session, channel: C, input: InputOf<C>): Promise<OutputOf<C>>
  signIn(username: string): Promise<Session>
  dispose(): Promise<void>
}

export const demoPasswords: Record<string, string> = {
  desk: 'desk-demo-2026',
  admin: 'admin-demo-2026',
  super: 'super-demo-2026',
  viewer: 'viewer-demo-2026',
}

export async function startHarness(variant: StoreVariant, extra: Partial<BackendConfig> = {}): Promise<Harness> {
  const { config, dispose } = await variant.create()
  const clock = new TestClock()
  const logLines: string[] = []
  const log = {
    info: (event: string, fields?: Record<string, unknown>) => logLines.push(JSON.stringify({ event, ...fields })),
    error: (event: string, fields?: Record<string, unknown>) => logLines.push(JSON.stringify({ event, ...fields })),
  }
  const backend = await createBackend({ store: config, demo: true, hashCost: { N: 1024 }, now: clock.now, log, ...extra })
  const call = async <C extends Channel>(agent: Session, channel: C, input: InputOf<C>): Promise<OutputOf<C>> => {
    const parsed = contract[channel].input.parse(input)
    const op = backend.ops[channel] as (s: Session, i: unknown) => Promise<OutputOf<C>>
    return op(agent, parsed)
  }
  return {
    backend,
    clock,
    logLines,
    call,
    async signIn(username) {
      const session: Session = { agentId: null }
      await call(session, 'session:signIn', { username, password: demoPasswords[username]! })
      return session
    },
    async dispose() {
      await backend.close()
      await dispose()
    },
  }
}

/** The catalogue error a promise rejects with (fails the test if it resolves or throws otherwise). */
export async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (e) {
    if (e instanceof AppError) return e
    throw e
  }
  throw new Error('expected a catalogue error, but the call succeeded')
}

/** The newest code the demo outbox holds for a user (what the caller would read back). */
export async function latestCode(h: Harness, agent: Session, userId: string, channel: 'email' | 'sms' = 'email'): Promise<string> {
  const messages = await h.call(agent, 'demo:mailbox', { userId })
  const message = messages.find((m) => m.channel === channel && m.body.includes('verification code'))
  const code = message?.body.match(/\b(\d{6,12})\b/)?.[1]
  if (!code) throw new Error(`no ${channel} code in ${userId}'s mailbox`)
  return code
}

/** A record assigned to the agent whose caller is the given user is not guaranteed: any assigned record will do. */
export async function assignedRecord(h: Harness, agent: Session): Promise<string> {
  const list = await h.call(agent, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })
  return list.rows[0]!.id
}
