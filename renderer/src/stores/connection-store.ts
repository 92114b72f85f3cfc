// Whether the backend answers. Set by every call's outcome; the banner and its reconnect probe
// read it. The renderer does not know (or care) whether the backend is embedded or remote.
import { create } from 'zustand'

interface ConnectionState {
  reachable: boolean
  setReachable(reachable: boolean): void
}

export const useConnectionStore = create<ConnectionState>((set) => ({
  reachable: true,
  setReachable: (reachable) => set((s) => (s.reachable === reachable ? s : { reachable })),
}))
