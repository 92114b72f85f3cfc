// A record's caller is a directory reference (the user's stable id and their name when the record
// was written), resolved live each time the record is shown; a caller no directory id matched
// (free text from an ITSM) is shown as unmatched.
import type { Selectable } from 'kysely'
import { isAppError } from '../../../shared/errors'
import type { CallerRef } from '../../../shared/domain/types'
import type { RecordsTable } from '../store/schema'
import type { RuleContext } from '../rules/context'

export async function resolveCaller(
  ctx: RuleContext,
  record: Pick<Selectable<RecordsTable>, 'caller_id' | 'caller_name'>,
): Promise<CallerRef> {
  const ref = { id: record.caller_id, nameAtTime: record.caller_name }
  if (!record.caller_id) return { ...ref, status: 'unmatched', currentName: null }
  try {
    const user = await ctx.directory.get(record.caller_id)
    return user ? { ...ref, status: 'resolved', currentName: user.displayName } : { ...ref, status: 'not_found', currentName: null }
  } catch (e) {
    // The record is still worth showing while the directory is down; everything else is a fault.
    if (isAppError(e) && e.code === 'DIRECTORY_UNAVAILABLE') return { ...ref, status: 'unavailable', currentName: null }
    throw e
  }
}
