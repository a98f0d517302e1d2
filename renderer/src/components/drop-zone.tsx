// The whole window accepts dropped files and folders. In Electron the preload
// tells each dropped File's local path; main walks folders itself, so we only
// send paths. A browser never reveals paths, so headless mode explains how to
// add instead (see actions.addDropped).
import { useRef, useState } from 'react';
import type { DragEvent, ReactNode } from 'react';
import { useActions, useHoist } from '../state/hoist-context.tsx';

const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

export function DropZone({ children }: { children: ReactNode }) {
  const actions = useActions();
  const targetName = useHoist((s) => s.targets.find((t) => t.id === s.selectedTargetId)?.name);
  const headless = useHoist((s) => s.appInfo?.mode === 'headless');
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when
  // the pointer really left the window.
  const depth = useRef(0);

  return (
    <div
      className={dragging ? 'drop-zone drop-zone--active' : 'drop-zone'}
      data-testid="drop-zone"
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => {
        // Without preventDefault the drop is refused, and Electron would
        // navigate to the dropped file instead.
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        void actions.addDropped(Array.from(event.dataTransfer?.files ?? []));
      }}
    >
      {children}
      {dragging && (
        <div className="drop-zone__overlay" aria-hidden="true">
          <p>{headless ? 'A browser cannot tell Hoist where dropped files are: use Browse… instead' : targetName ? `Drop to upload to “${targetName}”` : 'Drop to upload'}</p>
        </div>
      )}
    </div>
  );
}
