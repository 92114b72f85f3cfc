// R3/G5: a record's caller as the agent reads it — the directory's name today, or why it is not.
import type { CallerRef } from '../../../../shared/domain/types'

export function callerLabel(c: CallerRef): string {
  const recorded = c.nameAtTime ?? 'Unknown caller'
  switch (c.status) {
    case 'resolved':
      return !c.nameAtTime || c.currentName === c.nameAtTime ? c.currentName! : `${c.currentName} (recorded as ${c.nameAtTime})`
    case 'not_found':
      return `${recorded} (not found in the directory)`
    case 'unmatched':
      return `${recorded} (not matched to a directory user)`
    case 'unavailable':
      return `${recorded} (directory unavailable, not checked)`
  }
}
