// G4 / G7: the desk's security-question catalogue and how many questions a user must enrol.
// Administrators only (enforced here); every save is audited with before and after. A question
// that enrolled users answered is deactivated instead of deleted, so their answers keep working.
import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { QuestionCatalogSave, QuestionCatalogView } from '../../../shared/domain/enrolment'
import { loadDeskSettings, saveDeskSettings } from '../admin/desk-settings'
import { loadAgent, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'
import { auditedTransaction } from '../audit/audit-chain'

type Db = Kysely<DB> | Transaction<DB>

/** The active questions users may pick on the enrolment page, in catalogue order. */
export function activeQuestions(db: Db): Promise<{ id: string; text: string }[]> {
  return db.selectFrom('security_questions').select(['id', 'text']).where('active', '=', 1).orderBy('position').execute()
}

async function catalogView(db: Db): Promise<QuestionCatalogView> {
  const [rows, counts, settings] = await Promise.all([
    db.selectFrom('security_questions').selectAll().orderBy('position').execute(),
    db
      .selectFrom('enrolled_answers')
      .select(['question_id', (eb) => eb.fn.countAll().as('n')])
      .groupBy('question_id')
      .execute(),
    loadDeskSettings(db),
  ])
  return {
    questions: rows.map((r) => ({
      id: r.id,
      text: r.text,
      active: r.active === 1,
      enrolledUsers: Number(counts.find((c) => c.question_id === r.id)?.n ?? 0),
    })),
    questionsRequired: settings.questionsRequired,
  }
}

export async function listQuestionCatalog(ctx: RuleContext, agentId: string): Promise<QuestionCatalogView> {
  requireRole(await loadAgent(ctx, agentId), ['password_reset_admin'])
  return catalogView(ctx.store.db)
}

export async function saveQuestionCatalog(ctx: RuleContext, agentId: string, input: QuestionCatalogSave): Promise<QuestionCatalogView> {
  const agent = await loadAgent(ctx, agentId)
  requireRole(agent, ['password_reset_admin'])
  const now = ctx.now().toISOString()
  let before: QuestionCatalogView | null = null
  return auditedTransaction(
    ctx,
    (after) => ({ agentId: agent.id, action: 'admin.questions.save', outcome: 'saved', detail: { before, after } }),
    async (trx) => {
      // One admin change at a time, on every replica (the desk settings row is shared with G7).
      await ctx.store.lock(trx, 'admin:questions')
      before = await catalogView(trx)
      const keep = new Set(input.questions.flatMap((q) => (q.id ? [q.id] : [])))
      for (const old of before.questions.filter((q) => !keep.has(q.id))) {
        if (old.enrolledUsers > 0)
          await trx.updateTable('security_questions').set({ active: 0, updated_at: now }).where('id', '=', old.id).execute()
        else await trx.deleteFrom('security_questions').where('id', '=', old.id).execute()
      }
      for (const [position, q] of input.questions.entries()) {
        const values = { text: q.text, active: q.active ? 1 : 0, position, updated_at: now }
        const known = q.id && before.questions.some((b) => b.id === q.id)
        if (known) await trx.updateTable('security_questions').set(values).where('id', '=', q.id!).execute()
        else
          await trx
            .insertInto('security_questions')
            .values({ id: randomUUID(), ...values })
            .execute()
      }
      await saveDeskSettings(trx, { ...(await loadDeskSettings(trx)), questionsRequired: input.questionsRequired })
      return catalogView(trx)
    },
  )
}
