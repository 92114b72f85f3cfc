// Leaving a flow: what every exit path (Exit, Cancel, a refused step) does to the renderer's state.
// Its own module so that the steps and the wizard around them can both use it.
import { useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { call } from '../../api/client'
import { demoQueries, flowQueries, recordQueries } from '../../api/queries'
import { flowIdOf, useFlowStore } from '../../stores/flow-store'

/** Removes everything the renderer knows about the flow and returns the wizard to closed. */
export function useWipeFlow() {
  const queryClient = useQueryClient()
  return useCallback(
    (recordId?: string) => {
      useFlowStore.getState().reset()
      queryClient.removeQueries({ queryKey: flowQueries.all() })
      queryClient.removeQueries({ queryKey: demoQueries.all() })
      queryClient.removeQueries({ queryKey: ['users'] })
      // Mutations keep their variables (codes, answers): drop them with the flow.
      queryClient.getMutationCache().clear()
      if (recordId) void queryClient.invalidateQueries({ queryKey: recordQueries.detail(recordId).queryKey })
    },
    [queryClient],
  )
}

/** Cancel: ends the open flow in the backend (not shared) and wipes it here. */
export function useCancelFlow() {
  const wipe = useWipeFlow()
  return useCallback(async () => {
    const state = useFlowStore.getState().state
    const flowId = flowIdOf(state)
    if (flowId) await call('flow:close', { flowId, passwordShared: false }).catch(() => undefined)
    wipe(state.step === 'closed' ? undefined : state.recordId)
  }, [wipe])
}
