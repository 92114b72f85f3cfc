// G3: sign-in is throttled per user name and per client address, on the store-backed attempt
// throttle (throttle/attempt-throttle.ts): each try is reserved before the password is checked
// (so ten concurrent tries are ten) and released when the sign-in succeeds: refused tries count,
// successful ones do not.
import { AppError } from '../../../shared/errors'
import { reserveAttempt, throttleKey } from '../throttle/attempt-throttle'
import { minutes, type RuleContext } from './context'

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
    name: throttleKey(ctx, 'sign-in name', username.trim().toLowerCase()),
    address: throttleKey(ctx, 'sign-in address', address),
  }
}

/** Reserves one try for the name and the address, or refuses with when the next one frees up. */
export async function reserveSignInTry(ctx: RuleContext, keys: SignInKeys): Promise<{ release(): Promise<void> }> {
  const reservation = await reserveAttempt(
    ctx,
    [keys.address, keys.name].map((key) => ({ key, ...SIGN_IN_THROTTLE })),
  )
  if (!reservation.ok) throw new AppError('SIGN_IN_THROTTLED', { freesAt: reservation.freesAt })
  return reservation
}
