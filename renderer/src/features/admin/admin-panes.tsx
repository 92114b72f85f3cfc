// The Administration area's panes, in tab order. A pane is added by adding one entry here (the
// question catalogue, API keys and webhooks panes come from their own features).
import type { ComponentType } from 'react'
import { DeskSettingsPane } from './DeskSettingsPane'
import { ProcessesPane } from './ProcessesPane'

export interface AdminPane {
  /** Stable, URL-safe: used for the tab's id and in tests. */
  id: string
  label: string
  Pane: ComponentType
}

export const adminPanes: AdminPane[] = [
  { id: 'processes', label: 'Processes', Pane: ProcessesPane },
  { id: 'settings', label: 'Desk settings', Pane: DeskSettingsPane },
]
