// A record's work notes: what the agent's ITSM shows of a reset, a rejection or a closed flow.
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { Store } from '../store/database'
import { enqueueRecordEvent } from '../integrations/webhook-outbox'

/** Written in the caller's transaction, with the step it records. */
export async function addWorkNote(
  ctx: { store: Store; now: () => Date },
  trx: Transaction<DB>,
  recordId: string,
  author: string,
  text: string,
): Promise<void> {
  const at = ctx.now()
  const id = randomUUID()
  await trx
    .insertInto('record_activity')
    .values({ id, record_id: recordId, at: at.toISOString(), author, kind: 'work_note', text })
    .execute()
  // G6: the note reaches the ITSM from the outbox, written in this same transaction.
  await enqueueRecordEvent(ctx.store, trx, { type: 'work_note.added', at, recordId, data: { noteId: id, author, text } })
}
