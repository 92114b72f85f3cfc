// The Administration area's channels (G7). Each checks the admin role itself; guard.ts checks
// every `admin:*` channel again where the backend is built, so one forgotten check is not a hole.
import type { Operations, Session } from '../operations'
import type { RuleContext } from '../rules/context'
import { requireAdmin } from './guard'
import { credentialStoreNames, deleteProcess, listProcesses, saveProcess, setProcessEnabled } from './processes'
import { getDeskSettings, updateDeskSettings } from './settings'

type AdminOperations = Pick<
  Operations,
  | 'admin:processes:list'
  | 'admin:processes:save'
  | 'admin:processes:setEnabled'
  | 'admin:processes:delete'
  | 'admin:credentialStores:list'
  | 'admin:settings:get'
  | 'admin:settings:save'
>

export function adminOperations(ctx: RuleContext): AdminOperations {
  const admin = async (s: Session) => (await requireAdmin(ctx, s)).id
  return {
    'admin:processes:list': async (s) => (await admin(s), listProcesses(ctx)),
    'admin:processes:save': async (s, draft) => saveProcess(ctx, await admin(s), draft),
    'admin:processes:setEnabled': async (s, { processId, enabled }) => setProcessEnabled(ctx, await admin(s), processId, enabled),
    'admin:processes:delete': async (s, { processId }) => deleteProcess(ctx, await admin(s), processId),
    'admin:credentialStores:list': async (s) => (await admin(s), credentialStoreNames(ctx)),
    'admin:settings:get': async (s) => (await admin(s), getDeskSettings(ctx)),
    'admin:settings:save': async (s, settings) => updateDeskSettings(ctx, await admin(s), settings),
  }
}
