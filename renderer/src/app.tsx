// The window: header, notices, then the queue beside the Targets and Settings
// panels. Everything sits inside the drop zone so a drop lands anywhere.
import { AddBar } from './components/add-bar.tsx';
import { AppHeader } from './components/app-header.tsx';
import { DropZone } from './components/drop-zone.tsx';
import { ExpiryBanner } from './components/expiry-banner.tsx';
import { Notices } from './components/notices.tsx';
import { Queue } from './components/queue.tsx';
import { RefusedPage } from './components/refused-page.tsx';
import { SettingsPanel } from './components/settings-panel.tsx';
import { TargetsPanel } from './components/targets-panel.tsx';
import { useHoist } from './state/hoist-context.tsx';

export function App() {
  const refused = useHoist((state) => state.refused);
  if (refused !== null) return <RefusedPage message={refused} />;
  return (
    <DropZone>
      <div className="app">
        <AppHeader />
        <Notices />
        <main className="app__main">
          <div className="app__queue">
            <AddBar />
            <ExpiryBanner />
            <Queue />
          </div>
          <aside className="app__side" aria-label="Targets and settings">
            <TargetsPanel />
            <SettingsPanel />
          </aside>
        </main>
      </div>
    </DropZone>
  );
}
