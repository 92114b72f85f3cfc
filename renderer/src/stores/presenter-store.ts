// B4 presenter mode: UI state only (never server state). While it is on, <Sensitive> renders
// masked text in place of secrets and personal data. It deliberately survives sign-out (a
// supervisor presenting keeps presenting across agents); a reload starts with it off.
import { create } from 'zustand'

interface PresenterState {
  on: boolean
  toggle(): void
  setOn(on: boolean): void
}

export const usePresenterStore = create<PresenterState>((set) => ({
  on: false,
  toggle: () => set((s) => ({ on: !s.on })),
  setOn: (on) => set((s) => (s.on === on ? s : { on })),
}))

/** Whether secrets and personal data are masked on screen right now. */
export const usePresenterMode = () => usePresenterStore((s) => s.on)
