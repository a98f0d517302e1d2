// Headless mode's picker: the folders of the machine Hoist runs on (main lists
// them, see files.browse), since a browser cannot tell Hoist where a dropped or
// chosen file lives. Open folders, tick files and folders, add them.
import { useEffect, useState } from 'react';
import type { BrowseResult } from '../../../shared/ipc-contract.ts';
import { formatBytes } from '../lib/format.ts';
import { useActions } from '../state/hoist-context.tsx';

const PAGE = 200;

/** A child's full path, with the listed folder's own separator (a Windows server's paths use \). */
export function childPath(folder: string, name: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`;
}

export function BrowseButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" data-testid="browse-open" aria-expanded={open} onClick={() => setOpen((shown) => !shown)}>
        Browse…
      </button>
      {open && <FileBrowser onClose={() => setOpen(false)} />}
    </>
  );
}

export function FileBrowser({ onClose }: { onClose: () => void }) {
  const actions = useActions();
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);

  async function load(path: string | null, offset = 0): Promise<void> {
    setBusy(true);
    const page = await actions.request('files.browse', { path, offset, limit: PAGE });
    setBusy(false);
    if (!page) return; // the notice says why; the current folder stays
    setListing((current) => (offset > 0 && current && current.path === page.path ? { ...page, entries: [...current.entries, ...page.entries] } : page));
  }

  // Once, when opened: from the home folder.
  useEffect(() => {
    void load(null);
  }, []);

  const toggle = (path: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <div className="file-browser" role="dialog" aria-label="Pick files and folders on the Hoist machine" data-testid="file-browser">
      <div className="file-browser__head">
        <button type="button" className="button button--quiet" data-testid="browse-up" disabled={!listing?.parent || busy} onClick={() => listing?.parent && void load(listing.parent)}>
          ↑ Up
        </button>
        <span className="file-browser__path" data-testid="browse-path" title={listing?.path}>
          {listing?.path ?? 'Loading…'}
        </span>
      </div>
      <ul className="file-browser__list" data-testid="browse-list">
        {listing?.entries.map((entry) => {
          const path = childPath(listing.path, entry.name);
          const addable = entry.kind !== 'other';
          return (
            <li key={entry.name} className={`file-browser__entry file-browser__entry--${entry.kind}`} data-testid="browse-entry" data-name={entry.name} data-kind={entry.kind}>
              <input type="checkbox" aria-label={`Select ${entry.name}`} data-testid="browse-select" disabled={!addable} checked={selected.has(path)} onChange={() => toggle(path)} />
              {entry.kind === 'folder' ? (
                <button type="button" className="button button--quiet file-browser__name" data-testid="browse-enter" onClick={() => void load(path)}>
                  {entry.name}/
                </button>
              ) : (
                <span className="file-browser__name">{entry.name}</span>
              )}
              <span className="file-browser__size">{entry.size === null ? (entry.kind === 'other' ? 'cannot be added' : '') : formatBytes(entry.size)}</span>
            </li>
          );
        })}
        {listing && listing.entries.length === 0 && <li className="file-browser__empty">This folder is empty.</li>}
      </ul>
      {listing && listing.entries.length < listing.total && (
        <button type="button" className="button button--quiet" data-testid="browse-more" disabled={busy} onClick={() => void load(listing.path, listing.entries.length)}>
          Show more ({listing.total - listing.entries.length} left)
        </button>
      )}
      {listing?.capped && <p className="field__hint">This folder holds more entries than Hoist lists: type the path of what you want above.</p>}
      <div className="form-actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="browse-add"
          disabled={selected.size === 0 || busy}
          onClick={() => {
            setBusy(true);
            void actions.addPaths([...selected]).then((added) => {
              setBusy(false);
              if (added) onClose();
            });
          }}
        >
          {selected.size === 0 ? 'Add selected' : `Add ${selected.size} selected`}
        </button>
        <button type="button" className="button" data-testid="browse-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
