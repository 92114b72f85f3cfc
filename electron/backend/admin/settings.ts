// G7: the desk's settings, read and saved by administrators; audited as admin.settings.save.
import type { DeskSettings } from '../../../shared/domain/desk-settings'
import type { RuleContext } from '../rules/context'
import { auditedChange } from './audited-change'
import { loadDeskSettings, saveDeskSettings } from './desk-settings'

export function getDeskSettings(ctx: RuleContext): Promise<DeskSettings> {
  return loadDeskSettings(ctx.store.db)
}

export function updateDeskSettings(ctx: RuleContext, agentId: string, settings: DeskSettings): Promise<DeskSettings> {
  return auditedChange(ctx, agentId, 'admin.settings.save', async (trx) => {
    await ctx.store.lock(trx, 'admin:settings')
    const before = await loadDeskSettings(trx)
    await saveDeskSettings(trx, settings)
    const after = await loadDeskSettings(trx)
    return { before, after, result: after }
  })
}
