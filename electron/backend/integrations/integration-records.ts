// G5: the desk's ITSM creates and updates incidents and interactions by number (an idempotent
// upsert: the same PUT twice leaves one record, unchanged) and reads one back with its work notes.
// Every use is audited under the API key's id; bad input was refused before anything here ran.
import { randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { IntegrationRecord, IntegrationRecordInput } from '../../../shared/domain/integrations'
import type { RecordKind } from '../../../shared/domain/types'
import { assignRecord } from '../records/assign'
import { searchTextOf } from '../records/search-text'
import type { RuleContext } from '../rules/context'
import { auditedTransaction } from '../audit/audit-chain'
import type { RecordsTable } from '../store/schema'

export interface ApiKeyRef {
  id: string
  name: string
}

/** States an ITSM uses for records that are no longer open (ServiceNow, Jira SM). */
const closedState = /^(resolved|closed|closed complete|closed incomplete|cancel+ed|done|canceled)$/i

function toIntegrationRecord(r: Selectable<RecordsTable>, assigneeUsername: string | null): IntegrationRecord {
  return {
    number: r.number,
    kind: r.kind as RecordKind,
    caller: { id: r.caller_id, name: r.caller_name, matched: r.caller_id !== null },
    shortDescription: r.short_description,
    description: r.description,
    state: r.state,
    active: r.active === 1,
    priority: r.priority,
    channel: r.channel,
    assignmentGroup: r.assignment_group,
    assignee:
      r.assigned_to && assigneeUsername ? { username: assigneeUsername, displayName: r.assigned_to_name ?? assigneeUsername } : null,
    openedAt: r.opened_at,
  }
}

export async function upsertIntegrationRecord(
  ctx: RuleContext,
  key: ApiKeyRef,
  kind: RecordKind,
  number: string,
  input: IntegrationRecordInput,
): Promise<{ created: boolean; record: IntegrationRecord }> {
  // Resolved before the transaction: the directory may be remote (LDAP) and slow.
  const caller = input.caller ? await ctx.directory.findByLoginOrEmail(input.caller) : null
  const assignee = input.assignee
    ? await ctx.store.db
        .selectFrom('agents')
        .select(['id', 'username', 'display_name'])
        .where('username', '=', input.assignee.toLowerCase())
        .executeTakeFirst()
    : null
  if (input.assignee && !assignee)
    throw new AppError('INVALID_INPUT', { issues: [{ path: 'assignee', message: 'no agent with this user name' }] })

  const fields = {
    kind,
    number,
    short_description: input.shortDescription,
    description: input.description,
    // A matched caller is a directory reference (stable id + the name at the time); else free text.
    caller_id: caller?.id ?? null,
    caller_name: caller?.displayName ?? input.caller,
    state: input.state,
    active: (input.active ?? !closedState.test(input.state)) ? 1 : 0,
    priority: input.priority,
    channel: kind === 'interaction' ? input.channel : null,
    assignment_group: input.assignmentGroup,
  }
  const assignTo = assignee ? { id: assignee.id, displayName: assignee.display_name } : null
  // Assignment goes through assignRecord like the console's: audited as record.assign, in the
  // activity stream, and an open flow of the previous assignee closed (R1, R3).
  const by = { agentId: null, author: `Integration: ${key.name}` }
  const searchText = searchTextOf({
    number,
    callerName: fields.caller_name,
    shortDescription: fields.short_description,
    description: fields.description,
  })

  return auditedTransaction(
    ctx,
    (result: { created: boolean; record: Selectable<RecordsTable> }) => ({
      recordId: result.record.id,
      action: 'integration.record.put',
      outcome: result.created ? 'created' : 'updated',
      detail: { apiKeyId: key.id, apiKeyName: key.name, number, kind, callerMatched: caller !== null },
    }),
    async (trx) => {
      // Two PUTs of one new number at once: the lock makes the second an update, not a duplicate.
      await ctx.store.lock(trx, `record-number:${number}`)
      const existing = await trx.selectFrom('records').selectAll().where('number', '=', number).executeTakeFirst()
      if (existing && existing.kind !== kind) {
        throw new AppError('INVALID_INPUT', { issues: [{ path: 'number', message: `the number belongs to an ${existing.kind}` }] })
      }
      const id = existing?.id ?? randomUUID()
      if (existing) {
        await trx
          .updateTable('records')
          .set({ ...fields, opened_at: input.openedAt ?? existing.opened_at, search_text: searchText })
          .where('id', '=', id)
          .execute()
      } else {
        const opened = input.openedAt ?? ctx.now().toISOString()
        await trx
          .insertInto('records')
          .values({ id, ...fields, assigned_to: null, assigned_to_name: null, opened_at: opened, search_text: searchText })
          .execute()
      }
      await assignRecord(ctx, trx, id, assignTo, by)
      return { created: !existing, record: await trx.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirstOrThrow() }
    },
  ).then((r) => ({ created: r.created, record: toIntegrationRecord(r.record, assignee?.username ?? null) }))
}

export async function getIntegrationRecord(ctx: RuleContext, key: ApiKeyRef, kind: RecordKind, number: string) {
  const record = await ctx.store.db
    .selectFrom('records')
    .selectAll()
    .where('number', '=', number)
    .where('kind', '=', kind)
    .executeTakeFirst()
  if (!record) throw new AppError('RECORD_NOT_FOUND')
  const [notes, assignee] = await Promise.all([
    ctx.store.db
      .selectFrom('record_activity')
      .select(['at', 'author', 'kind', 'text'])
      .where('record_id', '=', record.id)
      .orderBy('at')
      .limit(500)
      .execute(),
    record.assigned_to
      ? ctx.store.db.selectFrom('agents').select('username').where('id', '=', record.assigned_to).executeTakeFirst()
      : undefined,
  ])
  await auditedTransaction(
    ctx,
    { recordId: record.id, action: 'integration.record.get', outcome: 'read', detail: { apiKeyId: key.id, apiKeyName: key.name, number } },
    async () => {},
  )
  return { record: toIntegrationRecord(record, assignee?.username ?? null), workNotes: notes }
}
