// G3: sign-in is throttled per user name and per client address. Each try is reserved in the store
// before the password is checked (so ten concurrent tries are ten), under the counter's lock (S6),
// and released when the sign-in succeeds: refused tries count, successful ones do not. The store
// holds only keyed hashes — a typed user name is often a password typed in the wrong field.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import { keyedHash } from '../crypto/secrets'
import { addMs, minutes, type RuleContext } from './context'

export const SIGN_IN_THROTTLE = {
  /** Refused tries allowed per name and per address inside the window; the next is refused. */
  limit: 10,
  windowMs: minutes(15),
}

/** The embedded console's one client: the person at this computer. */
export const LOCAL_CONSOLE_ADDRESS = 'local-console'

export interface SignInKeys {
  name: string
  address: string
}

/** Keyed hashes of the typed name (folded as sign-in folds it) and of the client address. */
export function signInKeys(ctx: RuleContext, username: string, address: string): SignInKeys {
  return {
    name: keyedHash(ctx.keys.codes, `sign-in name\0${username.trim().toLowerCase()}`),
    address: keyedHash(ctx.keys.codes, `sign-in address\0${address}`),
  }
}

/** Reserves one try for the name and the address, or refuses with when the next one frees up. */
export async function reserveSignInTry(ctx: RuleContext, keys: SignInKeys): Promise<{ release(): Promise<void> }> {
  const { limit, windowMs } = SIGN_IN_THROTTLE
  const now = ctx.now()
  const since = addMs(now, -windowMs).toISOString()
  const both = [keys.address, keys.name]
  const ids = both.map(() => randomUUID())
  await ctx.store.db.transaction().execute(async (trx) => {
    // Sorted, so two sign-ins never wait for each other's locks in opposite order.
    for (const key of [...both].sort()) await ctx.store.lock(trx, `sign-in:${key}`)
    await trx.deleteFrom('sign_in_attempts').where('key', 'in', both).where('at', '<=', since).execute()
    const rows = await trx.selectFrom('sign_in_attempts').select(['key', 'at']).where('key', 'in', both).orderBy('at').execute()
    let freesAt: string | null = null
    for (const key of both) {
      const at = rows.filter((r) => r.key === key).map((r) => r.at)
      if (at.length < limit) continue
      const frees = addMs(new Date(at[at.length - limit]!), windowMs).toISOString()
      if (!freesAt || frees > freesAt) freesAt = frees
    }
    if (freesAt) throw new AppError('SIGN_IN_THROTTLED', { freesAt })
    await trx.insertInto('sign_in_attempts').values(both.map((key, i) => ({ id: ids[i]!, key, at: now.toISOString() }))).execute()
  })
  return {
    release: async () => {
      await ctx.store.db.deleteFrom('sign_in_attempts').where('id', 'in', ids).execute()
    },
  }
}
