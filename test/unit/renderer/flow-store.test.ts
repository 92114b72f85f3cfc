import { beforeEach, describe, expect, it } from 'vitest'
import { flowIdOf, initialWizardState, transition, useFlowStore, type WizardState } from '../../../renderer/src/stores/flow-store'

const identify: WizardState = { step: 'identify', recordId: 'inc-1', userId: 'user-alex', processId: null }

describe('wizard transitions (R3, R6, R7)', () => {
  it('R3 open starts at Identify with the caller as the default user', () => {
    expect(transition(initialWizardState, { type: 'open', recordId: 'inc-1', callerId: 'user-alex' })).toEqual(identify)
  })

  it('opening again while a flow is in progress keeps the current step', () => {
    const verify: WizardState = { step: 'verify', recordId: 'inc-1', flowId: 'f1' }
    expect(transition(verify, { type: 'open', recordId: 'inc-2', callerId: null })).toBe(verify)
  })

  it('R3 choosing another user clears the process choice; the same user keeps it', () => {
    const chosen = transition(identify, { type: 'chooseProcess', processId: 'proc-standard' })
    expect(chosen).toMatchObject({ processId: 'proc-standard' })
    expect(transition(chosen, { type: 'chooseUser', userId: 'user-alex' })).toMatchObject({ processId: 'proc-standard' })
    expect(transition(chosen, { type: 'chooseUser', userId: 'user-blair' })).toMatchObject({ userId: 'user-blair', processId: null })
  })

  it('a process cannot be chosen without a user, and a flow cannot start without both', () => {
    const noUser: WizardState = { ...identify, userId: null }
    expect(transition(noUser, { type: 'chooseProcess', processId: 'p' })).toBe(noUser)
    expect(transition(identify, { type: 'started', flowId: 'f1' })).toBe(identify)
  })

  it('goes Identify → Verify → Reset → Done in order, and refuses skipping a step', () => {
    const ready = transition(identify, { type: 'chooseProcess', processId: 'proc-standard' })
    const verify = transition(ready, { type: 'started', flowId: 'f1' })
    expect(verify).toEqual({ step: 'verify', recordId: 'inc-1', flowId: 'f1' })
    // R6: no reset before verification.
    expect(transition(verify, { type: 'resetDone', method: 'generate', generatedPassword: 'x', sentTo: [] })).toBe(verify)
    const reset = transition(verify, { type: 'verified' })
    expect(reset.step).toBe('reset')
    const done = transition(reset, { type: 'resetDone', method: 'generate', generatedPassword: 'Secret-Horse-Battery', sentTo: [] })
    expect(done).toMatchObject({ step: 'done', generatedPassword: 'Secret-Horse-Battery', confirmingClose: false })
    expect(flowIdOf(done)).toBe('f1')
  })

  it('R7 Close asks for confirmation, which can be cancelled', () => {
    const done: WizardState = {
      step: 'done',
      recordId: 'inc-1',
      flowId: 'f1',
      method: 'manual',
      generatedPassword: null,
      sentTo: [],
      confirmingClose: false,
    }
    const asking = transition(done, { type: 'askClose' })
    expect(asking).toMatchObject({ confirmingClose: true })
    expect(transition(asking, { type: 'cancelClose' })).toMatchObject({ confirmingClose: false })
    expect(transition(identify, { type: 'askClose' })).toBe(identify)
  })
})

describe('useFlowStore', () => {
  beforeEach(() => useFlowStore.getState().reset())

  it('R7 reset() wipes the step and the generated password', () => {
    const { send } = useFlowStore.getState()
    send({ type: 'open', recordId: 'inc-1', callerId: 'user-alex' })
    send({ type: 'chooseProcess', processId: 'proc-standard' })
    send({ type: 'started', flowId: 'f1' })
    send({ type: 'verified' })
    send({ type: 'resetDone', method: 'generate', generatedPassword: 'Secret-Horse-Battery', sentTo: [] })
    expect(JSON.stringify(useFlowStore.getState().state)).toContain('Secret-Horse-Battery')
    useFlowStore.getState().reset()
    expect(useFlowStore.getState().state).toEqual({ step: 'closed' })
    expect(JSON.stringify(useFlowStore.getState())).not.toContain('Secret-Horse-Battery')
  })
})
