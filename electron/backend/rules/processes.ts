// R3: password reset processes — which users they apply to and how they verify and reset.
import type { Insertable, Kysely, Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import { processSchema, type Process } from '../../../shared/domain/types'
import type { DB, ProcessesTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import { inAnyGroup } from '../directory/dn'

export function toProcess(row: Selectable<ProcessesTable>): Process {
  return processSchema.parse({ id: row.id, name: row.name, ...JSON.parse(row.config) })
}

export function processRow(process: Process): Insertable<ProcessesTable> {
  const { id, name, ...config } = process
  return { id, name, config: JSON.stringify(config) }
}

/** Every process, or (`enabledOnly`, as Identify asks) only those an administrator has not disabled. */
export async function loadProcesses(db: Kysely<DB>, opts: { enabledOnly?: boolean } = {}): Promise<Process[]> {
  let query = db.selectFrom('processes').selectAll().orderBy('name')
  if (opts.enabledOnly) query = query.where('enabled', '=', 1)
  return (await query.execute()).map(toProcess)
}

export async function loadProcess(db: Kysely<DB>, processId: string): Promise<Process> {
  const row = await db.selectFrom('processes').selectAll().where('id', '=', processId).executeTakeFirst()
  if (!row) throw new AppError('NOT_ELIGIBLE', { reason: 'unknown process' })
  return toProcess(row)
}

/**
 * The process a new flow starts with (R3): it must exist and be enabled (G7). Read afresh, so an
 * administrator's disable on any replica holds for the next start everywhere.
 */
export function processForNewFlow(row: Selectable<ProcessesTable> | undefined): Process {
  if (!row) throw new AppError('NOT_ELIGIBLE', { reason: 'unknown process' })
  if (!row.enabled) throw new AppError('PROCESS_DISABLED')
  return toProcess(row)
}

/** Protected accounts (B1) only through a process made for them; others by group membership. */
export function isEligible(process: Process, user: DirectoryUser): boolean {
  if (process.protectedAccounts !== user.protected) return false
  return process.appliesToGroups.length === 0 || inAnyGroup(user, process.appliesToGroups)
}
