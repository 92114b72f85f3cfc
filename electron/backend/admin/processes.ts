// G7: administrators manage password reset processes. Everything is read from the store on every
// call (no cache), so a change made through one replica governs the next call on every other.
// A process keeps its id for life: R4 counts (resets.process_id) stay attached across renames.
// Disabling is the safe change: the process is no longer offered at Identify and cannot start a
// flow, while flows already open with it may finish (they expire when idle like any other).
// Deleting is for mistakes only: refused once any flow has used the process (PROCESS_IN_USE).
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import { AppError } from '../../../shared/errors'
import { processSchema, type Process } from '../../../shared/domain/types'
import type { AdminProcess, ProcessDraft } from '../../../shared/domain/process-admin'
import type { DB, ProcessesTable } from '../store/schema'
import type { RuleContext } from '../rules/context'
import { recordAudit } from '../audit/audit-chain'
import { processRow, toProcess } from '../rules/processes'
import { auditedChange } from './audited-change'

/** Serialises administrative changes to processes (name uniqueness, delete-while-unused). */
const processesLock = 'admin:processes'

type Db = Kysely<DB> | Transaction<DB>

async function flowUse(db: Db, processId?: string): Promise<Map<string, { open: number; total: number }>> {
  let query = db
    .selectFrom('flows')
    .select((eb) => [
      'process_id',
      eb.fn.countAll().as('total'),
      sql<number>`sum(case when closed_at is null then 1 else 0 end)`.as('open'),
    ])
    .groupBy('process_id')
  if (processId) query = query.where('process_id', '=', processId)
  const rows = await query.execute()
  return new Map(rows.map((r) => [r.process_id, { open: Number(r.open), total: Number(r.total) }]))
}

function toAdminProcess(row: Selectable<ProcessesTable>, use: Map<string, { open: number; total: number }>): AdminProcess {
  const u = use.get(row.id)
  return { process: toProcess(row), enabled: row.enabled === 1, openFlows: u?.open ?? 0, everUsed: (u?.total ?? 0) > 0 }
}

async function loadRow(db: Db, processId: string): Promise<Selectable<ProcessesTable>> {
  const row = await db.selectFrom('processes').selectAll().where('id', '=', processId).executeTakeFirst()
  if (!row) throw new AppError('PROCESS_NOT_FOUND')
  return row
}

async function adminView(db: Db, processId: string): Promise<AdminProcess> {
  return toAdminProcess(await loadRow(db, processId), await flowUse(db, processId))
}

export async function listProcesses(ctx: RuleContext): Promise<AdminProcess[]> {
  const [rows, use] = await Promise.all([
    ctx.store.db.selectFrom('processes').selectAll().orderBy('name').orderBy('id').execute(),
    flowUse(ctx.store.db),
  ])
  return rows.map((r) => toAdminProcess(r, use))
}

/** The credential stores this backend has; a process must name one of them. */
export function credentialStoreNames(ctx: RuleContext): { name: string }[] {
  return Object.keys(ctx.credentialStores)
    .sort()
    .map((name) => ({ name }))
}

const invalid = (path: string, message: string) => new AppError('INVALID_INPUT', { issues: [{ path, message }] })

/** Creates (no id) or replaces (id) a process, audited as admin.processes.save with before/after. */
export async function saveProcess(ctx: RuleContext, agentId: string, draft: ProcessDraft): Promise<AdminProcess> {
  // Facts only the backend knows, checked where the form's schema cannot.
  if (!Object.hasOwn(ctx.credentialStores, draft.credentialStore)) {
    throw invalid('credentialStore', 'This backend has no credential store of that name.')
  }
  const { id: givenId, ...definition } = draft
  const id = givenId ?? randomUUID()
  const process: Process = processSchema.parse({ ...definition, id })
  return auditedChange(ctx, agentId, 'admin.processes.save', async (trx) => {
    await ctx.store.lock(trx, processesLock)
    const before = givenId ? toProcess(await loadRow(trx, givenId)) : null
    const clash = await trx
      .selectFrom('processes')
      .select('id')
      .where(sql<boolean>`lower(name) = ${process.name.toLowerCase()}`)
      .where('id', '!=', id)
      .executeTakeFirst()
    if (clash) throw invalid('name', 'Another process has this name.')
    const { name, config } = processRow(process)
    if (before) await trx.updateTable('processes').set({ name, config }).where('id', '=', id).execute()
    else await trx.insertInto('processes').values({ id, name, config, enabled: 1 }).execute()
    return { before, after: process, processId: id, result: await adminView(trx, id) }
  })
}

export async function setProcessEnabled(ctx: RuleContext, agentId: string, processId: string, enabled: boolean): Promise<AdminProcess> {
  return auditedChange(ctx, agentId, 'admin.processes.setEnabled', async (trx) => {
    await ctx.store.lock(trx, processesLock)
    const row = await loadRow(trx, processId)
    await trx
      .updateTable('processes')
      .set({ enabled: enabled ? 1 : 0 })
      .where('id', '=', processId)
      .execute()
    return { before: { enabled: row.enabled === 1 }, after: { enabled }, processId, result: await adminView(trx, processId) }
  })
}

export async function deleteProcess(ctx: RuleContext, agentId: string, processId: string): Promise<{ deleted: true }> {
  try {
    return await auditedChange(ctx, agentId, 'admin.processes.delete', async (trx) => {
      await ctx.store.lock(trx, processesLock)
      const row = await loadRow(trx, processId)
      const use = (await flowUse(trx, processId)).get(processId)
      // Flows, resets and audit rows name the process: its history must keep meaning something.
      if (use) throw new AppError('PROCESS_IN_USE', { openFlows: use.open, flows: use.total })
      await trx.deleteFrom('processes').where('id', '=', processId).execute()
      return { before: toProcess(row), after: null, processId, result: { deleted: true as const } }
    })
  } catch (e) {
    if (e instanceof AppError && e.code === 'PROCESS_IN_USE') {
      await recordAudit(ctx, { agentId, processId, action: 'admin.processes.delete', outcome: 'refused_in_use', detail: e.details })
    }
    throw e
  }
}
