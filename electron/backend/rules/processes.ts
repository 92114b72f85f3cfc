// R3: password reset processes — which users they apply to and how they verify and reset.
import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import { processSchema, type Process } from '../../../shared/domain/types'
import type { DB, ProcessesTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import { inAnyGroup } from '../directory/dn'

export function toProcess(row: Selectable<ProcessesTable>): Process {
  return processSchema.parse({ id: row.id, name: row.name, ...JSON.parse(row.config) })
}

export function processRow(process: Process): Selectable<ProcessesTable> {
  const { id, name, ...config } = process
  return { id, name, config: JSON.stringify(config) }
}

export async function loadProcesses(db: Kysely<DB>): Promise<Process[]> {
  const rows = await db.selectFrom('processes').selectAll().orderBy('name').execute()
  return rows.map(toProcess)
}

export async function loadProcess(db: Kysely<DB>, processId: string): Promise<Process> {
  const row = await db.selectFrom('processes').selectAll().where('id', '=', processId).executeTakeFirst()
  if (!row) throw new AppError('NOT_ELIGIBLE', { reason: 'unknown process' })
  return toProcess(row)
}

/** Protected accounts (B1) only through a process made for them; others by group membership. */
export function isEligible(process: Process, user: DirectoryUser): boolean {
  if (process.protectedAccounts !== user.protected) return false
  return process.appliesToGroups.length === 0 || inAnyGroup(user, process.appliesToGroups)
}
