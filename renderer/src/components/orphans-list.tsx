// A target's unfinished multipart uploads on its server: they cost storage
// until completed or aborted. Each can be aborted (after a confirm step: the
// parts are deleted for good) or adopted, i.e. continued with a local file
// whose bytes main checks against the parts first. Uploads Hoist itself is
// continuing are marked and offer neither: the queue's Cancel is for them.
import { useEffect, useRef, useState } from 'react';
import type { GrantedPath, OrphanView, TargetView } from '../../../shared/ipc-contract.ts';
import { formatBytes, relativeTime } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { useActions, useHoist } from '../state/hoist-context.tsx';

export function OrphansList({ target }: { target: TargetView }) {
  const list = useHoist((s) => s.orphans.get(target.id));
  const canPickFiles = useHoist((s) => s.appInfo?.canPickFiles === true);
  const actions = useActions();
  const nowMs = useNow();
  useEffect(() => void actions.loadOrphans(target.id), [actions, target.id]);

  const uploads = useHoist((s) => s.uploads);
  // An upload Hoist was continuing that has finished since the list was read is no longer on the server: not shown as continuing.
  const items = list?.items?.filter((orphan) => orphan.hoistId === null || uploads.get(orphan.hoistId)?.state !== 'completed') ?? null;
  const busy = list?.busy ?? true;
  const headRef = useRef<HTMLSpanElement>(null);
  const where = `s3://${target.bucket}/${target.keyPrefix}`;
  return (
    <div className="orphans" data-testid="orphans" aria-busy={busy} aria-label={`Unfinished uploads on the server under ${where}`}>
      <div className="orphans__head">
        <span className="orphans__title" tabIndex={-1} ref={headRef} data-testid="orphans-title">
          Unfinished uploads under {where}
        </span>
        <button type="button" className="button button--quiet" data-testid="orphans-refresh" disabled={busy} onClick={() => void actions.loadOrphans(target.id)}>
          Refresh
        </button>
      </div>
      {list?.error && (
        <p className="orphans__error" role="alert" data-testid="orphans-error">
          {list.error}
        </p>
      )}
      {list?.status && (
        <p className="form-status" role="status" data-testid="orphans-status">
          {list.status}
        </p>
      )}
      {items === null ? (
        busy && <p className="panel__empty">Loading…</p>
      ) : items.length === 0 ? (
        <p className="panel__empty" data-testid="orphans-empty">
          None: nothing unfinished is taking space on the server.
        </p>
      ) : (
        <ul className="orphan-list">
          {items.map((orphan) => (
            <OrphanItem
              key={orphan.uploadId}
              targetId={target.id}
              orphan={orphan}
              busy={busy}
              canPickFiles={canPickFiles}
              nowMs={nowMs}
              onGone={() => headRef.current?.focus()}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

interface OrphanItemProps {
  targetId: string;
  orphan: OrphanView;
  busy: boolean;
  canPickFiles: boolean;
  nowMs: number;
  /** The item's upload was aborted or adopted: focus goes to the list, not lost to the page. */
  onGone: () => void;
}

function OrphanItem({ targetId, orphan, busy, canPickFiles, nowMs, onGone }: OrphanItemProps) {
  const [mode, setMode] = useState<'idle' | 'confirm-abort' | 'adopt'>('idle');
  const abortRef = useRef<HTMLButtonElement>(null);
  const adoptRef = useRef<HTMLButtonElement>(null);
  // Focus goes back to the button that opened the confirm step or the form when it closes, never to <body>.
  const returnFocusTo = useRef<'abort' | 'adopt' | null>(null);
  useEffect(() => {
    if (mode !== 'idle' || returnFocusTo.current === null) return;
    (returnFocusTo.current === 'abort' ? abortRef : adoptRef).current?.focus();
    returnFocusTo.current = null;
  }, [mode]);
  const close = (from: 'abort' | 'adopt') => () => {
    returnFocusTo.current = from;
    setMode('idle');
  };
  const finished = () => {
    returnFocusTo.current = null;
    setMode('idle');
    onGone();
  };
  const size = formatBytes(orphan.bytes);
  const parts = `${orphan.parts} ${orphan.parts === 1 ? 'part' : 'parts'}`;
  const started = orphan.startedAt ? relativeTime(Date.parse(orphan.startedAt), nowMs) : 'at an unknown time';

  return (
    <li className="orphan-item" data-testid="orphan-item" data-upload-id={orphan.uploadId} data-key={orphan.key}>
      <span className="orphan-item__key" title={orphan.key} data-testid="orphan-key">
        {orphan.key}
      </span>
      <span className="orphan-item__facts">
        <span title={orphan.startedAt ? new Date(orphan.startedAt).toLocaleString() : undefined} data-testid="orphan-started">
          started {started}
        </span>
        <span data-testid="orphan-parts">{parts}</span>
        <span data-testid="orphan-size">{size}</span>
      </span>
      {orphan.hoistId !== null ? (
        <span className="orphan-item__tracked" data-testid="orphan-tracked">
          Hoist is continuing this upload: pause or cancel it in the queue.
        </span>
      ) : mode === 'confirm-abort' ? (
        <ConfirmAbort targetId={targetId} orphan={orphan} busy={busy} what={`${parts}, ${size}`} onDone={close('abort')} onGone={finished} />
      ) : mode === 'adopt' ? (
        <AdoptForm targetId={targetId} orphan={orphan} busy={busy} canPickFiles={canPickFiles} onDone={close('adopt')} onGone={finished} />
      ) : (
        <div className="orphan-item__actions">
          <span className="orphan-item__untracked">Not continued by Hoist</span>
          <button type="button" ref={abortRef} className="button button--danger" data-testid="orphan-abort" disabled={busy} onClick={() => setMode('confirm-abort')}>
            Abort…
          </button>
          <button type="button" ref={adoptRef} className="button" data-testid="orphan-adopt" disabled={busy} onClick={() => setMode('adopt')}>
            Adopt…
          </button>
        </div>
      )}
    </li>
  );
}

interface ActionProps {
  targetId: string;
  orphan: OrphanView;
  busy: boolean;
  /** Closed without acting (or the action failed): focus returns to the button that opened it. */
  onDone: () => void;
  /** Done: the server's upload is gone from this list. */
  onGone: () => void;
}

function ConfirmAbort({ targetId, orphan, busy, what, onDone, onGone }: ActionProps & { what: string }) {
  const actions = useActions();
  const keepRef = useRef<HTMLButtonElement>(null);
  // The safe answer has the focus: Enter does not delete anything.
  useEffect(() => keepRef.current?.focus(), []);
  return (
    <div className="orphan-item__confirm" role="group" aria-label="Confirm abort">
      <span>The server deletes what it holds ({what}). This cannot be undone.</span>
      <div className="orphan-item__actions">
        <button
          type="button"
          className="button button--danger"
          data-testid="orphan-abort-confirm"
          disabled={busy}
          onClick={() => void actions.abortOrphan(targetId, orphan).then((aborted) => (aborted ? onGone() : onDone()))}
        >
          Abort upload
        </button>
        <button type="button" ref={keepRef} className="button button--primary" data-testid="orphan-abort-cancel" onClick={onDone}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function AdoptForm({ targetId, orphan, busy, canPickFiles, onDone, onGone }: ActionProps & { canPickFiles: boolean }) {
  const actions = useActions();
  const pathRef = useRef<HTMLInputElement>(null);
  useEffect(() => pathRef.current?.focus(), []);
  // Kept on failure, so a wrong path can be corrected rather than retyped.
  const [path, setPath] = useState('');
  // The desktop app names the file only by what was picked in its dialog: main takes no typed path there.
  const [picked, setPicked] = useState<GrantedPath | undefined>(undefined);
  const chosen = canPickFiles ? picked : path.trim() || undefined;
  return (
    <form
      className="orphan-item__adopt"
      onSubmit={(event) => {
        event.preventDefault();
        if (!chosen || busy) return;
        void actions.adoptOrphan(targetId, orphan, chosen).then((adopted) => adopted && onGone());
      }}
    >
      <input
        type="text"
        ref={pathRef}
        data-testid="orphan-adopt-path"
        aria-label={`The local file to continue ${orphan.key} with`}
        placeholder={canPickFiles ? 'the local file this upload was sending' : 'its local file, as a path on the server machine'}
        spellCheck={false}
        autoComplete="off"
        value={canPickFiles ? (picked?.path ?? '') : path}
        readOnly={canPickFiles}
        onChange={(event) => setPath(event.target.value)}
      />
      <div className="orphan-item__actions">
        {canPickFiles && (
          <button
            type="button"
            className="button"
            data-testid="orphan-adopt-pick"
            disabled={busy}
            onClick={() => void actions.pickOrphanFile(targetId).then((file) => file && setPicked(file))}
          >
            Pick…
          </button>
        )}
        <button type="submit" className="button button--primary" data-testid="orphan-adopt-confirm" disabled={busy || !chosen}>
          Adopt
        </button>
        <button type="button" className="button" data-testid="orphan-adopt-cancel" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
