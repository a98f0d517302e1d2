// Adding uploads without drag and drop. The desktop app has native dialogs;
// headless, the browser may be on another machine than the files, so the user
// types a path as the server machine sees it, or picks it with Browse… (main
// lists that machine's folders).
import { useState } from 'react';
import { useActions, useHoist } from '../state/hoist-context.tsx';
import { BrowseButton } from './file-browser.tsx';
import { TargetSelect } from './target-select.tsx';

export function AddBar() {
  const canPickFiles = useHoist((s) => s.appInfo?.canPickFiles);
  return (
    <div className="add-bar">
      <TargetSelect />
      <FolderModeSelect />
      {canPickFiles === true && <PickButtons />}
      {canPickFiles === false && <AddByPath />}
    </div>
  );
}

/** A dropped or added folder: one object per file, or the whole folder as one .tar made on the fly. */
function FolderModeSelect() {
  const mode = useHoist((s) => s.folderMode);
  const setMode = useHoist((s) => s.setFolderMode);
  return (
    <label className="target-select">
      <span className="target-select__label">Folders as</span>
      <select data-testid="folder-mode" value={mode} onChange={(event) => setMode(event.target.value === 'archive' ? 'archive' : 'files')}>
        <option value="files">one object per file</option>
        <option value="archive">one .tar archive</option>
      </select>
    </label>
  );
}

function PickButtons() {
  const actions = useActions();
  return (
    <div className="add-bar__controls">
      <button type="button" className="button button--primary" data-testid="add-files" onClick={() => void actions.pickAndAdd(false)}>
        Add files…
      </button>
      <button type="button" className="button" data-testid="add-folder" onClick={() => void actions.pickAndAdd(true)}>
        Add folder…
      </button>
    </div>
  );
}

function AddByPath() {
  const actions = useActions();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);

  return (
    <form
      className="add-bar__controls"
      onSubmit={(event) => {
        event.preventDefault();
        if (!path.trim() || busy) return;
        setBusy(true);
        void actions.addPaths([path]).then((added) => {
          setBusy(false);
          // Keep the text on failure so a typo can be fixed rather than retyped.
          if (added) setPath('');
        });
      }}
    >
      <input
        className="add-bar__path"
        type="text"
        data-testid="add-path-input"
        aria-label="Path on the server machine"
        placeholder="path on the server machine, e.g. /data/videos"
        spellCheck={false}
        autoComplete="off"
        value={path}
        onChange={(event) => setPath(event.target.value)}
      />
      <button type="submit" className="button button--primary" data-testid="add-button" disabled={busy || !path.trim()}>
        Add
      </button>
      <BrowseButton />
    </form>
  );
}
