// G7: the Administration area, shown to password_reset_admin only (the backend refuses every
// admin:* channel to anyone else; hiding it here is a convenience). Accessible tabs from a headless
// library: arrow keys move between tabs, Tab moves into the pane.
import * as Tabs from '@radix-ui/react-tabs'
import { useState } from 'react'
import { adminPanes } from './admin-panes'

export function AdminArea() {
  const [current, setCurrent] = useState(adminPanes[0]!.id)
  return (
    <section className="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <Tabs.Root value={current} onValueChange={setCurrent}>
        <Tabs.List className="tabs" aria-label="Administration areas">
          {adminPanes.map((p) => (
            <Tabs.Trigger key={p.id} value={p.id} className="tab">
              {p.label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {adminPanes.map(({ id, Pane }) => (
          <Tabs.Content key={id} value={id} className="tab-pane">
            <Pane />
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </section>
  )
}
