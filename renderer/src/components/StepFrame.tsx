import { useEffect, useRef, type ReactNode } from 'react'

/** A wizard step's frame: its heading takes focus when the step appears (keyboard, screen readers). */
export function StepFrame({ title, children }: { title: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <div className="step">
      <h2 ref={ref} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </div>
  )
}
