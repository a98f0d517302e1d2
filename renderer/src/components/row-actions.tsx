// The buttons of one queue row. Which ones show depends only on the state main
// reported, so a button never offers what main would refuse. Buttons that
// lose something (cancel, overwrite, abort) look destructive; where a choice
// is needed, the cheaper one is the primary button.
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { isUnfinished } from '../lib/format.ts';
import { useActions } from '../state/hoist-context.tsx';
import { CopyButtons } from './copy-buttons.tsx';

/** The object was at the key before anything was sent: the choice asked when the file was added (main's HeadObject). */
export function isExistingObjectChoice(upload: UploadView): boolean {
  return upload.state === 'conflict' && upload.conflictOver === 'object' && upload.uploadId === null && upload.partsDone === 0;
}

export function RowActions({ upload, canReveal, pathStyle }: { upload: UploadView; canReveal: boolean; pathStyle: boolean }) {
  const actions = useActions();
  const { id, state } = upload;
  const reveal = canReveal && <RevealButton onClick={() => void actions.reveal(id)} />;

  if (isExistingObjectChoice(upload)) {
    // Nothing sent yet: skipping costs nothing and keeps the object, so it is the default.
    return (
      <div className="row-actions" role="group" aria-label="An object is already at this key">
        <button type="button" className="button button--primary" data-testid="exists-skip" onClick={() => void actions.resolveConflict(id, 'cancel')}>
          Skip: keep the server’s
        </button>
        <button type="button" className="button button--danger" data-testid="exists-overwrite" onClick={() => void actions.resolveConflict(id, 'reuse')}>
          Overwrite
        </button>
        {reveal}
      </div>
    );
  }

  if (state === 'conflict' && upload.conflictOver === 'object') {
    // Someone else wrote an object at the key while this upload ran: replacing it is the user's call (main keeps the parts).
    return (
      <div className="row-actions">
        <button type="button" className="button button--primary" data-testid="conflict-replace" onClick={() => void actions.resolveConflict(id, 'reuse')}>
          Replace it with this file
        </button>
        <button type="button" className="button button--danger" data-testid="conflict-cancel" onClick={() => void actions.resolveConflict(id, 'cancel')}>
          Keep it: cancel the upload
        </button>
        {reveal}
      </div>
    );
  }

  if (state === 'conflict') {
    // Resuming would mix two versions of the file, so the ways on are keeping
    // only the parts that still read the same (main re-reads and compares
    // them), starting over with the new content, or giving up. With parts on
    // the server, keeping those that match is the cheaper default.
    const keepFirst = upload.partsDone > 0;
    const reuse = (
      <button
        key="reuse"
        type="button"
        className={keepFirst ? 'button button--primary' : 'button'}
        data-testid="conflict-reuse"
        title="Parts whose bytes are still the same are kept (main re-reads and compares each); the rest is sent"
        onClick={() => void actions.resolveConflict(id, 'reuse')}
      >
        Keep unchanged parts
      </button>
    );
    const restart = (
      <button key="restart" type="button" className={keepFirst ? 'button' : 'button button--primary'} data-testid="conflict-restart" onClick={() => void actions.resolveConflict(id, 'restart')}>
        Start over with the new version
      </button>
    );
    return (
      <div className="row-actions">
        {keepFirst ? [reuse, restart] : [restart, reuse]}
        <button type="button" className="button button--danger" data-testid="conflict-cancel" onClick={() => void actions.resolveConflict(id, 'cancel')}>
          Cancel upload
        </button>
        {reveal}
      </div>
    );
  }

  return (
    <div className="row-actions">
      {(state === 'uploading' || state === 'queued') && (
        <button type="button" className="button" data-testid="row-pause" onClick={() => void actions.pause(id)}>
          Pause
        </button>
      )}
      {state === 'paused' && (
        <button type="button" className="button" data-testid="row-resume" onClick={() => void actions.resume(id)}>
          Resume
        </button>
      )}
      {(state === 'failed' || state === 'missing') && (
        <button type="button" className="button" data-testid="row-retry" onClick={() => void actions.retry(id)}>
          Retry
        </button>
      )}
      {isUnfinished(state) && (
        <button type="button" className="button button--danger" data-testid="row-cancel" onClick={() => void actions.cancel(id)}>
          Cancel
        </button>
      )}
      {state === 'completed' && <CopyButtons upload={upload} pathStyle={pathStyle} />}
      {reveal}
    </div>
  );
}

function RevealButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="button button--quiet" data-testid="row-reveal" title="Show the file in the file manager" onClick={onClick}>
      Reveal
    </button>
  );
}
