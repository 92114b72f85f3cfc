// G7: the Administration area is for password_reset_admin only, and the backend says so on every
// `admin:*` channel. The guard wraps all of them at once where the backend is built, so a channel
// added later is covered without remembering to check (its own check, if any, is a second one).
import type { Agent } from '../../../shared/domain/types'
import type { Operations, Session } from '../operations'
import { loadAgent, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'

export const adminChannelPrefix = 'admin:'

/** The signed-in agent, if they hold password_reset_admin (re-read: a revoked role holds at once). */
export async function requireAdmin(ctx: RuleContext, session: Session): Promise<Agent> {
  const agent = await loadAgent(ctx, session.agentId)
  requireRole(agent, ['password_reset_admin'])
  return agent
}

export function guardAdminChannels(ctx: RuleContext, ops: Operations): Operations {
  type Op = (s: Session, input: unknown) => Promise<unknown>
  const guarded = { ...ops } as unknown as Record<string, Op>
  for (const [channel, op] of Object.entries(guarded)) {
    if (!channel.startsWith(adminChannelPrefix)) continue
    guarded[channel] = async (session, input) => {
      await requireAdmin(ctx, session)
      return op(session, input)
    }
  }
  return guarded as Operations
}
