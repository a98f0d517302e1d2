// The buttons of one queue row. Which ones show depends only on the state main
// reported, so a button never offers what main would refuse.
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { isUnfinished } from '../lib/format.ts';
import { useActions } from '../state/hoist-context.tsx';

export function RowActions({ upload, canReveal }: { upload: UploadView; canReveal: boolean }) {
  const actions = useActions();
  const { id, state } = upload;

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
        {canReveal && <RevealButton onClick={() => void actions.reveal(id)} />}
      </div>
    );
  }

  if (state === 'conflict') {
    // Resuming would mix two versions of the file, so the ways on are starting
    // over with the new content, keeping only the parts that still read the
    // same (main re-reads and compares them), or giving up.
    return (
      <div className="row-actions">
        <button type="button" className="button button--primary" data-testid="conflict-restart" onClick={() => void actions.resolveConflict(id, 'restart')}>
          Start over with the new version
        </button>
        <button type="button" className="button" data-testid="conflict-reuse" onClick={() => void actions.resolveConflict(id, 'reuse')}>
          Keep unchanged parts
        </button>
        <button type="button" className="button" data-testid="conflict-cancel" onClick={() => void actions.resolveConflict(id, 'cancel')}>
          Cancel upload
        </button>
        {canReveal && <RevealButton onClick={() => void actions.reveal(id)} />}
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
      {canReveal && <RevealButton onClick={() => void actions.reveal(id)} />}
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
