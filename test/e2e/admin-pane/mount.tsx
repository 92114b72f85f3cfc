// Test-only mount of the admin pane, until the Administration area (issue 10) hosts it: the same
// component, query client and bridge as the console, built by the test with Vite.
import { createRoot } from 'react-dom/client'
import { QueryClientProvider } from '@tanstack/react-query'
import { QuestionCatalogPane } from '../../../renderer/src/features/admin/QuestionCatalogPane'
import { queryClient } from '../../../renderer/src/app/query-client'
import '../../../renderer/src/styles.css'

createRoot(document.getElementById('root')!).render(
  <QueryClientProvider client={queryClient}>
    <h1>Administration</h1>
    <QuestionCatalogPane />
  </QueryClientProvider>,
)
