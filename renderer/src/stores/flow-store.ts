// The reset wizard's client state: which step, and the draft that belongs to it. Server state
// (the flow itself, attempts left, uses left) stays in react-query. Transitions are pure so they
// can be tested without React; `reset()` runs on every exit path (Exit, cancel, sign-out,
// closing the record) so nothing of one caller survives into the next.
import { create } from 'zustand'
import type { ResetMethod } from '../../../shared/domain/types'

export type WizardState =
  | { step: 'closed' }
  | { step: 'identify'; recordId: string; userId: string | null; processId: string | null }
  | { step: 'verify'; recordId: string; flowId: string }
  | { step: 'reset'; recordId: string; flowId: string }
  | {
      step: 'done'
      recordId: string
      flowId: string
      method: ResetMethod
      /** R6.2: shown once on this screen; wiped by reset(). */
      generatedPassword: string | null
      sentTo: string[]
      confirmingClose: boolean
    }

export type WizardEvent =
  | { type: 'open'; recordId: string; callerId: string | null }
  | { type: 'chooseUser'; userId: string | null }
  | { type: 'chooseProcess'; processId: string | null }
  | { type: 'started'; flowId: string }
  | { type: 'verified' }
  | { type: 'resetDone'; method: ResetMethod; generatedPassword: string | null; sentTo: string[] }
  | { type: 'askClose' }
  | { type: 'cancelClose' }

export const initialWizardState: WizardState = { step: 'closed' }

/** The next state, or the same object when the event does not apply to the current step. */
export function transition(state: WizardState, event: WizardEvent): WizardState {
  switch (event.type) {
    case 'open':
      // Opening again while a flow is in progress keeps it: the agent must close it first.
      if (state.step !== 'closed') return state
      return { step: 'identify', recordId: event.recordId, userId: event.callerId, processId: null }
    case 'chooseUser':
      if (state.step !== 'identify') return state
      // A different user has different processes: the process choice goes with the user.
      return { ...state, userId: event.userId, processId: event.userId === state.userId ? state.processId : null }
    case 'chooseProcess':
      if (state.step !== 'identify' || !state.userId) return state
      return { ...state, processId: event.processId }
    case 'started':
      if (state.step !== 'identify' || !state.userId || !state.processId) return state
      return { step: 'verify', recordId: state.recordId, flowId: event.flowId }
    case 'verified':
      if (state.step !== 'verify') return state
      return { step: 'reset', recordId: state.recordId, flowId: state.flowId }
    case 'resetDone':
      if (state.step !== 'reset') return state
      return {
        step: 'done',
        recordId: state.recordId,
        flowId: state.flowId,
        method: event.method,
        generatedPassword: event.generatedPassword,
        sentTo: event.sentTo,
        confirmingClose: false,
      }
    case 'askClose':
      if (state.step !== 'done') return state
      return { ...state, confirmingClose: true }
    case 'cancelClose':
      if (state.step !== 'done') return state
      return { ...state, confirmingClose: false }
  }
}

/** The open flow's id, if the wizard has one. */
export function flowIdOf(state: WizardState): string | null {
  return state.step === 'verify' || state.step === 'reset' || state.step === 'done' ? state.flowId : null
}

interface FlowStore {
  state: WizardState
  /**
   * Item 9: where the agent was going when leaving the Done step made the console ask first;
   * it runs once they have exited, and is dropped when they stay.
   */
  leaveAfterExit: (() => void) | null
  send(event: WizardEvent): void
  /** Leaves the flow's screen: at once, or at the Done step only after the Exit confirmation. */
  leave(proceed: () => void): void
  reset(): void
}

export const useFlowStore = create<FlowStore>()((set, get) => ({
  state: initialWizardState,
  leaveAfterExit: null,
  send: (event) =>
    set((s) => {
      const state = transition(s.state, event)
      return { state, leaveAfterExit: event.type === 'cancelClose' ? null : s.leaveAfterExit }
    }),
  leave: (proceed) => {
    // A password may have been read out: leaving must not record "not shared" without asking.
    if (get().state.step !== 'done') return proceed()
    set((s) => ({ state: transition(s.state, { type: 'askClose' }), leaveAfterExit: proceed }))
  },
  reset: () => set({ state: initialWizardState, leaveAfterExit: null }),
}))
