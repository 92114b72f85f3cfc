// B6: the demo desk, seeded on the first start of the embedded mode. Generated from a fixed seed
// so every install shows the same desk, and the README's walkthrough matches what is on screen.
import { randomBytes } from 'node:crypto'
import type { Insertable, Kysely, Transaction } from 'kysely'
import type { DB, DirectoryUsersTable, RecordsTable } from '../store/schema'
import type { Process } from '../../../shared/domain/types'
import { processSchema } from '../../../shared/domain/types'
import { foldAnswer, slowHash, type HashCost } from '../crypto/secrets'
import { processRow } from '../rules/processes'
import { searchTextOf } from '../records/search-text'

/** The demo agents; their passwords are printed in the README (demo desk only). */
export const demoAgents = [
  {
    id: 'agent-desk',
    username: 'desk',
    password: 'desk-demo-2026',
    displayName: 'Dana Desk',
    roles: ['password_reset_service_desk'],
    groups: ['Service Desk'],
  },
  {
    id: 'agent-admin',
    username: 'admin',
    password: 'admin-demo-2026',
    displayName: 'Avery Admin',
    roles: ['password_reset_admin'],
    groups: ['Service Desk', 'Identity Team'],
  },
  {
    id: 'agent-super',
    username: 'super',
    password: 'super-demo-2026',
    displayName: 'Sam Supervisor',
    roles: ['password_reset_supervisor'],
    groups: ['Service Desk'],
  },
  { id: 'agent-viewer', username: 'viewer', password: 'viewer-demo-2026', displayName: 'Val Viewer', roles: [], groups: ['Service Desk'] },
] as const

/** Colleagues who hold records but cannot sign in on the demo desk. */
const otherAgents = [
  { id: 'agent-nico', displayName: 'Nico Network', groups: ['Network'] },
  { id: 'agent-tess', displayName: 'Tess Desktop', groups: ['Desktop Support'] },
]

export const demoProcesses: Process[] = [
  {
    id: 'proc-standard',
    name: 'Standard password reset',
    description: 'Any verified employee; every method.',
    appliesToGroups: ['All Staff'],
    protectedAccounts: false,
    credentialStore: 'local',
    methods: ['email_code', 'sms_code', 'security_questions', 'personal_data_verify', 'personal_data_confirm', 'totp_code'],
    requiredPasses: 1,
    resetMethods: ['email_link', 'generate', 'manual'],
    unlock: true,
    requireChange: true,
    requiresApproval: false,
  },
  {
    id: 'proc-sms',
    name: 'Field staff (SMS only)',
    description: 'Field sales verify by a code to their mobiles.',
    appliesToGroups: ['Field Sales'],
    protectedAccounts: false,
    credentialStore: 'local',
    methods: ['sms_code'],
    requiredPasses: 1,
    resetMethods: ['generate'],
    unlock: true,
    requireChange: true,
    requiresApproval: false,
  },
  {
    id: 'proc-protected',
    name: 'Protected accounts',
    description: 'Executives and administrators: two methods, one a code, and a supervisor approval.',
    appliesToGroups: [],
    protectedAccounts: true,
    credentialStore: 'local',
    methods: ['email_code', 'sms_code', 'security_questions', 'totp_code'],
    requiredPasses: 2,
    resetMethods: ['generate', 'manual'],
    unlock: true,
    requireChange: true,
    requiresApproval: true,
    policy: { minLength: 20 },
  },
].map((p) => processSchema.parse({ policy: {}, settings: {}, ...p }))

interface DemoUser {
  id: string
  username: string
  displayName: string
  email: string | null
  mobiles: string[]
  groups: string[]
  department: string
  title: string
  protected?: boolean
  locked?: boolean
  /** B2: the contact details changed this many days before the seed, so Identify can show it. */
  contactChangedDaysAgo?: number
  answers?: [string, string][]
  /** G4: a directory password, so the enrolment page can be rehearsed (demo desk only, README). */
  password?: string
}

/** Named users the README and tests refer to; the rest are generated. */
export const namedUsers: DemoUser[] = [
  {
    id: 'user-alex',
    username: 'alex.morgan',
    displayName: 'Alex Morgan',
    email: 'alex.morgan@example.com',
    mobiles: ['+1 415 555 0101', '+1 415 555 0102'],
    groups: ['All Staff', 'Field Sales'],
    department: 'Sales',
    title: 'Account Executive',
    answers: [
      ['What was the name of your first pet?', 'Biscuit'],
      ['In which city were you born?', 'Lisbon'],
    ],
  },
  {
    id: 'user-blair',
    username: 'blair.chen',
    displayName: 'Blair Chen',
    email: 'blair.chen@example.com',
    mobiles: [],
    groups: ['All Staff'],
    department: 'Finance',
    title: 'Accountant',
    locked: true,
    contactChangedDaysAgo: 2,
  },
  {
    id: 'user-casey',
    username: 'casey.singh',
    displayName: 'Casey Singh',
    email: null,
    mobiles: [],
    groups: ['All Staff'],
    department: 'Facilities',
    title: 'Technician',
    password: 'casey-demo-2026',
  },
  {
    id: 'user-drew',
    username: 'drew.patel',
    displayName: 'Drew Patel',
    email: 'drew.patel@example.com',
    mobiles: ['+1 415 555 0199'],
    groups: ['All Staff', 'Executives'],
    department: 'Finance',
    title: 'Chief Financial Officer',
    protected: true,
    answers: [
      ['What was your first car?', 'Beetle'],
      ['What is your favourite book?', 'Dune'],
    ],
  },
  {
    id: 'user-eden',
    username: 'eden.brooks',
    displayName: 'Eden Brooks',
    email: 'eden.brooks@example.com',
    mobiles: ['+1 415 555 0177'],
    groups: ['All Staff', 'Domain Admins'],
    department: 'IT',
    title: 'Domain Administrator',
    protected: true,
    answers: [['What was your first school?', 'Riverside']],
  },
]

const firstNames = [
  'Jamie',
  'Taylor',
  'Jordan',
  'Riley',
  'Quinn',
  'Avery',
  'Parker',
  'Rowan',
  'Skyler',
  'Harper',
  'Emerson',
  'Finley',
  'Hayden',
  'Kendall',
  'Logan',
  'Marley',
  'Noel',
  'Oakley',
  'Peyton',
  'Reese',
  'Sage',
  'Toni',
  'Uma',
  'Vic',
  'Wren',
]
const lastNames = [
  'Garcia',
  'Nguyen',
  'Okafor',
  'Schmidt',
  'Rossi',
  'Kowalski',
  'Haddad',
  'Tanaka',
  'Larsen',
  'Dubois',
  'Silva',
  'Murphy',
  'Ivanova',
  'Cohen',
  'Mensah',
]
const departments: [string, string][] = [
  ['Sales', 'Sales Representative'],
  ['Finance', 'Analyst'],
  ['HR', 'HR Partner'],
  ['IT', 'Engineer'],
  ['Operations', 'Coordinator'],
  ['Legal', 'Counsel'],
  ['Marketing', 'Specialist'],
]
const questionBank: [string, string[]][] = [
  ['What was the name of your first pet?', ['Rex', 'Milo', 'Luna', 'Pepper', 'Shadow']],
  ['In which city were you born?', ['Porto', 'Leeds', 'Osaka', 'Accra', 'Denver']],
  ['What was your first job?', ['Lifeguard', 'Barista', 'Paper route', 'Cashier', 'Tutor']],
]

/** A small seeded PRNG: the demo desk is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!

export function generatedUsers(count: number): DemoUser[] {
  const rand = seededRandom(7)
  const users: DemoUser[] = []
  for (let i = 0; users.length < count; i++) {
    const first = firstNames[i % firstNames.length]!
    const last = lastNames[(i * 7 + Math.floor(i / firstNames.length)) % lastNames.length]!
    const username = `${first}.${last}`.toLowerCase()
    if (users.some((u) => u.username === username)) continue
    const [department, title] = pick(rand, departments)
    const enrolment = i % 6 // email only, +1 mobile, +2 mobiles, questions, everything, nothing
    const phone = () => `+1 ${200 + Math.floor(rand() * 700)} 555 ${String(1000 + Math.floor(rand() * 8999)).slice(0, 4)}`
    users.push({
      id: `user-${username.replace('.', '-')}`,
      username,
      displayName: `${first} ${last}`,
      email: enrolment === 5 ? null : `${username}@example.com`,
      mobiles: enrolment === 1 ? [phone()] : enrolment === 2 || enrolment === 4 ? [phone(), phone()] : [],
      groups: department === 'Sales' ? ['All Staff', 'Field Sales'] : ['All Staff'],
      department,
      title,
      answers:
        enrolment === 3 || enrolment === 4 ? questionBank.map(([q, answers]) => [q, pick(rand, answers)] as [string, string]) : undefined,
    })
  }
  return users
}

const incidentTopics = [
  ['Password reset request', 'Caller forgot their password after returning from leave.'],
  ['Account locked out', 'Caller is locked out after several failed sign-ins this morning.'],
  ['Cannot sign in to VPN', 'VPN client rejects the password since the weekend.'],
  ['Outlook keeps asking for password', 'Outlook prompts for credentials every few minutes.'],
  ['Password expired while travelling', 'Password expired; caller is abroad without office access.'],
  ['MFA device replaced', 'Caller has a new phone and cannot complete sign-in.'],
  ['Laptop will not connect to Wi-Fi', 'Corporate Wi-Fi shows authentication failed.'],
  ['Printer queue stuck', 'Jobs stay queued on the third-floor printer.'],
  ['Shared drive access denied', 'Access denied on the Finance shared drive.'],
  ['New starter cannot sign in', 'First day; temporary password was not accepted.'],
] as const
const interactionTopics = ['Password help', 'Locked out', 'Sign-in trouble', 'Access question', 'Hardware question'] as const
const incidentStates = ['New', 'In Progress', 'In Progress', 'On Hold', 'New', 'Resolved', 'Closed'] as const
const groups = ['Service Desk', 'Service Desk', 'Service Desk', 'Network', 'Desktop Support', 'Identity Team'] as const

/** Records for the demo desk (and, in bulk, for the benchmark). */
export function generateRecords(opts: {
  incidents: number
  interactions: number
  now: Date
  users: { id: string; displayName: string }[]
  seed?: number
  firstNumber?: number
}): Insertable<RecordsTable>[] {
  const rand = seededRandom(opts.seed ?? 42)
  const assignees = [...Array(8).fill(demoAgents[0]), ...Array(3).fill(demoAgents[1]), demoAgents[3], ...otherAgents, null] as ({
    id: string
    displayName: string
    groups: readonly string[]
  } | null)[]
  const records: Insertable<RecordsTable>[] = []
  const make = (kind: 'incident' | 'interaction', n: number) => {
    const caller = pick(rand, opts.users)
    const assignee = pick(rand, assignees)
    const opened = new Date(opts.now.getTime() - Math.floor(rand() * 30 * 86_400_000) - n * 1000)
    if (kind === 'incident') {
      const [short, description] = pick(rand, incidentTopics)
      const state = pick(rand, incidentStates)
      const number = `INC${String(10000 + n).padStart(7, '0')}`
      records.push({
        id: `inc-${n}`,
        kind,
        number,
        short_description: short,
        description,
        caller_id: caller.id,
        caller_name: caller.displayName,
        state,
        active: state === 'Resolved' || state === 'Closed' ? 0 : 1,
        priority: 1 + Math.floor(rand() * 5),
        channel: null,
        assignment_group: assignee ? assignee.groups[0]! : pick(rand, groups),
        assigned_to: assignee?.id ?? null,
        assigned_to_name: assignee?.displayName ?? null,
        opened_at: opened.toISOString(),
        search_text: searchTextOf({ number, callerName: caller.displayName, shortDescription: short, description }),
      })
    } else {
      const short = pick(rand, interactionTopics)
      const channel = pick(rand, ['phone', 'phone', 'chat', 'walk-up'] as const)
      const state = pick(rand, ['New', 'Work in Progress', 'Work in Progress', 'Closed Complete'] as const)
      const number = `IMS${String(n).padStart(7, '0')}`
      const shortDescription = `${short} (${channel})`
      const description = `${channel} contact from ${caller.displayName}: ${short.toLowerCase()}.`
      records.push({
        id: `ims-${n}`,
        kind,
        number,
        short_description: shortDescription,
        description,
        caller_id: caller.id,
        caller_name: caller.displayName,
        state,
        active: state === 'Closed Complete' ? 0 : 1,
        priority: null,
        channel,
        assignment_group: 'Service Desk',
        assigned_to: assignee?.id ?? null,
        assigned_to_name: assignee?.displayName ?? null,
        opened_at: opened.toISOString(),
        search_text: searchTextOf({ number, callerName: caller.displayName, shortDescription, description }),
      })
    }
  }
  const first = opts.firstNumber ?? 1
  for (let n = first; n < first + opts.incidents; n++) make('incident', n)
  for (let n = first; n < first + opts.interactions; n++) make('interaction', n)
  return records
}

/** Inserts rows in batches inside the given transaction (SQLite caps bound parameters per statement). */
export async function insertBatches<T extends keyof DB>(
  trx: Kysely<DB> | Transaction<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
  size = 200,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute()
  }
}

/** The demo accounts as the sign-in screen hints them (G1); the same public passwords as the README. */
const roleNames: Record<string, string> = {
  password_reset_service_desk: 'service desk agent',
  password_reset_admin: 'administrator',
  password_reset_supervisor: 'supervisor',
}
export const demoAccountHints = demoAgents.map((a) => ({
  username: a.username,
  password: a.password,
  role: a.roles.map((r) => roleNames[r] ?? r).join(', ') || 'no reset role',
}))

/** G1: whether this store holds the demo desk (so its agents are demo agents, and the badge shows). */
export async function isDemoSeeded(db: Kysely<DB>): Promise<boolean> {
  return !!(await db.selectFrom('meta').select('value').where('key', '=', 'demo_seeded').executeTakeFirst())
}

/**
 * Seeds the demo desk once per store: true if this call seeded it. Replicas starting together
 * (or two clicks on "Try the demo desk") may race: the `demo_seeded` row is claimed first inside
 * the seeding transaction, so the loser inserts nothing (PostgreSQL makes it wait for the
 * winner's commit) and returns false.
 */
export async function seedDemoDesk(db: Kysely<DB>, hashCost: HashCost, now: Date): Promise<boolean> {
  if (await isDemoSeeded(db)) return false
  const users = [...namedUsers, ...generatedUsers(45)]
  // Hash outside the transaction: scrypt is slow by design and runs on the thread pool.
  const agentRows = await Promise.all([
    ...demoAgents.map(async (a) => ({
      id: a.id,
      username: a.username,
      display_name: a.displayName,
      password_hash: await slowHash(a.password, hashCost),
      roles: JSON.stringify(a.roles),
      groups: JSON.stringify(a.groups),
    })),
    ...otherAgents.map(async (a) => ({
      id: a.id,
      username: a.id,
      display_name: a.displayName,
      password_hash: await slowHash(randomBytes(24).toString('base64'), hashCost),
      roles: '[]',
      groups: JSON.stringify(a.groups),
    })),
  ])
  // G4: the demo desk enrols its users through the same tables as the enrolment page: a
  // catalogue of every question the demo users answered, and their answers under scrypt.
  const at = now.toISOString()
  const questionTexts = [...new Set(users.flatMap((u) => (u.answers ?? []).map(([q]) => q)))]
  const questionRows = questionTexts.map((text, position) => ({ id: `q${position + 1}`, text, active: 1, position, updated_at: at }))
  const questionId = (text: string) => questionRows.find((q) => q.text === text)!.id
  const answerRows = await Promise.all(
    users.flatMap((u) =>
      (u.answers ?? []).map(async ([question, answer], position) => ({
        id: `${u.id}-q${position + 1}`,
        user_id: u.id,
        question_id: questionId(question),
        position,
        answer_hash: await slowHash(foldAnswer(answer), hashCost),
        enrolled_at: at,
      })),
    ),
  )
  const userRows: Insertable<DirectoryUsersTable>[] = await Promise.all(
    users.map(async (u) => ({
      id: u.id,
      username: u.username,
      display_name: u.displayName,
      email: u.email,
      mobiles: JSON.stringify(u.mobiles),
      groups: JSON.stringify(u.groups),
      department: u.department,
      title: u.title,
      protected: u.protected ? 1 : 0,
      locked_at: u.locked ? new Date(now.getTime() - 3_600_000).toISOString() : null,
      must_change: 0,
      password_hash: u.password ? await slowHash(u.password, hashCost) : null,
      password_changed_at: null,
      contact_changed_at:
        u.contactChangedDaysAgo === undefined ? null : new Date(now.getTime() - u.contactChangedDaysAgo * 86_400_000).toISOString(),
    })),
  )
  const records = generateRecords({
    incidents: 200,
    interactions: 100,
    now,
    users: users.map((u) => ({ id: u.id, displayName: u.displayName })),
  })
  const activity = records.map((r, i) => ({
    id: `act-${r.id}`,
    record_id: r.id,
    at: new Date(new Date(r.opened_at).getTime() + 60_000).toISOString(),
    author: r.caller_name ?? 'System',
    kind: 'comment',
    text: i % 2 ? 'Called the service desk.' : 'Raised through the self-service portal.',
  }))
  return db.transaction().execute(async (trx) => {
    const claim = await trx
      .insertInto('meta')
      .values({ key: 'demo_seeded', value: now.toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst()
    if (Number(claim.numInsertedOrUpdatedRows ?? 0) === 0) return false
    await insertBatches(trx, 'agents', agentRows)
    await insertBatches(trx, 'directory_users', userRows)
    await insertBatches(trx, 'security_questions', questionRows)
    await insertBatches(trx, 'enrolled_answers', answerRows)
    await insertBatches(trx, 'processes', demoProcesses.map(processRow))
    await insertBatches(trx, 'records', records)
    await insertBatches(trx, 'record_activity', activity)
    return true
  })
}
