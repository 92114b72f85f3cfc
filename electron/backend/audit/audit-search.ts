// R9 for people: the audit log filtered in the backend (agent, user, action, record, date range)
// and paged, each row with the names a person reads (agent, user, record number, process).
import type { AuditRow, AuditSearchInput } from '../../../shared/domain/audit-view'
import { loadAgent, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'
import { containsIgnoringCase } from '../store/like'
import { auditEntryOf } from './audit-chain'

export async function searchAudit(
  ctx: RuleContext,
  agentId: string,
  input: AuditSearchInput,
): Promise<{ rows: AuditRow[]; total: number }> {
  requireRole(await loadAgent(ctx, agentId), ['password_reset_admin', 'password_reset_supervisor'])
  const db = ctx.store.db
  // Names become ids first, so the audit query stays on its own columns (and their indexes).
  const agentIds = input.agent
    ? (
        await db
          .selectFrom('agents')
          .select('id')
          .where((eb) => eb.or([containsIgnoringCase('display_name', input.agent!), containsIgnoringCase('username', input.agent!)]))
          .limit(50)
          .execute()
      ).map((a) => a.id)
    : null
  const userIds = input.user ? (await ctx.directory.search(input.user, 50)).map((u) => u.id) : null
  const recordIds = input.record
    ? (await db.selectFrom('records').select('id').where('number', '=', input.record.toUpperCase()).execute()).map((r) => r.id)
    : null
  if ([agentIds, userIds, recordIds].some((ids) => ids !== null && ids.length === 0)) return { rows: [], total: 0 }

  let query = db.selectFrom('audit')
  if (agentIds) query = query.where('audit.agent_id', 'in', agentIds)
  if (userIds) query = query.where('audit.user_id', 'in', userIds)
  if (recordIds) query = query.where('audit.record_id', 'in', recordIds)
  if (input.action) query = query.where('audit.action', '=', input.action)
  if (input.from) query = query.where('audit.at', '>=', `${input.from}T00:00:00.000Z`)
  if (input.to) query = query.where('audit.at', '<', new Date(Date.parse(`${input.to}T00:00:00.000Z`) + 86_400_000).toISOString())

  const [rows, count] = await Promise.all([
    query
      .leftJoin('agents', 'agents.id', 'audit.agent_id')
      .leftJoin('records', 'records.id', 'audit.record_id')
      .leftJoin('processes', 'processes.id', 'audit.process_id')
      .selectAll('audit')
      .select(['agents.display_name as agent_name', 'records.number as record_number', 'processes.name as process_name'])
      .orderBy('audit.seq', 'desc')
      .offset(input.offset)
      .limit(input.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ])
  // The users of one page, each looked up once; a directory that is down leaves the id shown.
  const names = new Map<string, string | null>()
  await Promise.all(
    [...new Set(rows.map((r) => r.user_id).filter((id): id is string => !!id))].map(async (id) => {
      names.set(
        id,
        await ctx.directory.get(id).then(
          (u) => u?.displayName ?? null,
          () => null,
        ),
      )
    }),
  )
  return {
    total: Number(count.n),
    rows: rows.map((r) => ({
      ...auditEntryOf(r),
      agentName: r.agent_name ?? null,
      userName: r.user_id ? (names.get(r.user_id) ?? null) : null,
      recordNumber: r.record_number ?? null,
      processName: r.process_name ?? null,
    })),
  }
}
