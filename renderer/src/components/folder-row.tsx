// One folder sent as one object per file: a single queue row with the whole
// folder's progress, expandable to its files (folder-files.tsx). Memoised like
// upload rows: a `folders.changed` event replaces only the rows that changed.
import { memo } from 'react';
import type { FolderView } from '../../../shared/ipc-contract.ts';
import { fileName, formatBytes, formatDuration, formatSpeed, percentDone } from '../lib/format.ts';
import { folderFigures, folderRetryOf, folderStateLabel, folderTone, formatCount } from '../lib/folder-format.ts';
import type { FolderFigures } from '../lib/folder-format.ts';
import { useActions } from '../state/hoist-context.tsx';
import type { FolderFiles } from '../state/folder-slice.ts';
import { FolderFilesPanel } from './folder-files.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { RetryStatus } from './retry-status.tsx';

export interface FolderRowProps {
  folder: FolderView;
  /** The expanded list of its files; undefined while collapsed. */
  files: FolderFiles | undefined;
}

export const FolderRow = memo(function FolderRow({ folder, files }: FolderRowProps) {
  const actions = useActions();
  const figures = folderFigures(folder);
  const name = `${fileName(folder.path)}/`;
  const target = `s3://${folder.bucket}/${folder.prefix}`;
  const percent = folder.state === 'completed' ? 100 : percentDone(figures.bytesDone, figures.bytesTotal);
  const tone = folderTone(figures.state);
  const expanded = files !== undefined;
  const retrying = folderRetryOf(folder);

  return (
    <article
      className={`upload-row folder-row upload-row--${tone}${expanded ? ' folder-row--expanded' : ''}`}
      data-testid="folder-row"
      data-folder-id={folder.id}
      data-state={figures.state}
    >
      <div className="upload-row__head">
        <button
          type="button"
          className="folder-row__toggle"
          data-testid="folder-expand"
          aria-expanded={expanded}
          aria-label={expanded ? `Hide the files of ${name}` : `Show the files of ${name}`}
          onClick={() => void actions.toggleFolder(folder.id)}
        >
          {expanded ? '▾' : '▸'}
        </button>
        <span className="upload-row__name" title={folder.path} data-testid="row-name">
          {name}
        </span>
        <span className={`state-label state-label--${tone}`} data-testid="row-state">
          {retrying ? 'Retrying' : folderStateLabel(figures.state)}
        </span>
        <FolderActions folder={folder} figures={figures} />
      </div>
      <div className="upload-row__target" title={target} data-testid="row-target">
        {target}
      </div>
      <ProgressBar percent={percent} label={`${name}: ${percent}% uploaded`} tone={tone} />
      <div className="upload-row__details">
        <FolderFacts folder={folder} figures={figures} />
        {retrying && <RetryStatus retrying={retrying} />}
        {figures.differing > 0 && (
          <span id={differsId(folder.id)} className="upload-row__message upload-row__message--conflict" title={differingText(figures.differing)} data-testid="folder-differs">
            {differingText(figures.differing)}
          </span>
        )}
        {figures.state === 'failed' && folder.lastError && (
          <span className="upload-row__message upload-row__message--error" title={folder.lastError} data-testid="row-error">
            {folder.lastError}
          </span>
        )}
      </div>
      {files && <FolderFilesPanel folder={folder} files={files} />}
    </article>
  );
});

function FolderFacts({ folder, figures }: { folder: FolderView; figures: FolderFigures }) {
  // Waiting out a failure moves nothing: no speed or time left to show.
  const running = folder.running && !folderRetryOf(folder);
  return (
    <span className="upload-row__facts">
      <span data-testid="folder-files-count">
        {formatCount(figures.filesDone)} / {formatCount(figures.filesTotal)} files{folder.walking ? ' so far' : ''}
      </span>
      <span data-testid="row-bytes">
        {formatBytes(figures.bytesDone)} / {formatBytes(figures.bytesTotal)}
      </span>
      {running && <span data-testid="row-speed">{formatSpeed(folder.speed)}</span>}
      {running && folder.etaSeconds !== null && <span data-testid="row-eta">{formatDuration(folder.etaSeconds)} left</span>}
      {figures.there > 0 && (
        <span className="badge" title="Files whose bytes were already at their key: not sent again" data-testid="folder-there">
          {formatCount(figures.there)} already there
        </span>
      )}
      {figures.kept > 0 && (
        <span className="badge" title="Files whose key held a different object that you chose to keep: not sent" data-testid="folder-kept">
          {formatCount(figures.kept)} kept as on the server
        </span>
      )}
      {figures.notSent > 0 && (
        <span className="badge badge--warning" title="Files not sent: expand the folder and show “Not sent” to see why" data-testid="folder-not-sent">
          {formatCount(figures.notSent)} not sent
        </span>
      )}
    </span>
  );
}

/** "3 files differ from the objects already at their keys". */
function differingText(count: number): string {
  return count === 1 ? '1 file differs from the object already at its key' : `${formatCount(count)} files differ from the objects already at their keys`;
}

const differsId = (folderId: string) => `folder-differs-${folderId}`;

/** Like an upload row's buttons; which ones show depends only on what main reported. */
function FolderActions({ folder, figures }: { folder: FolderView; figures: FolderFigures }) {
  const actions = useActions();
  const { id } = folder;
  const stoppable = folder.running || figures.state === 'waiting';
  const resumable = !folder.running && (folder.state === 'paused' || folder.state === 'failed');
  return (
    <div className="row-actions">
      {stoppable && (
        <button type="button" className="button" data-testid="row-pause" onClick={() => void actions.pauseFolder(id)}>
          Pause
        </button>
      )}
      {resumable && (
        <button type="button" className="button" data-testid="row-resume" onClick={() => void actions.resumeFolder(id)}>
          {folder.state === 'failed' ? 'Retry' : 'Resume'}
        </button>
      )}
      {resumable && figures.changed > 0 && (
        <button
          type="button"
          className="button"
          data-testid="folder-send-changed"
          title="Files changed since the folder upload started: send their new versions"
          onClick={() => void actions.resumeFolder(id, true)}
        >
          Send changed files
        </button>
      )}
      {figures.differing > 0 && (
        // Overwriting replaces objects someone else may need, so it is styled as the destructive choice; main sends
        // each file only over the object its row was shown (one replaced since is asked about again).
        <>
          <button
            type="button"
            className="button button--danger"
            data-testid="folder-overwrite"
            aria-describedby={differsId(id)}
            title="Send these files over the objects found at their keys (an object replaced since is asked about again)"
            onClick={() => void actions.settleDiffering(id, 'overwrite')}
          >
            Overwrite them
          </button>
          <button
            type="button"
            className="button"
            data-testid="folder-keep"
            aria-describedby={differsId(id)}
            title="Leave the objects on the server as they are and do not send these files"
            onClick={() => void actions.settleDiffering(id, 'skip')}
          >
            Keep the server&apos;s
          </button>
        </>
      )}
      {folder.state !== 'completed' && folder.state !== 'cancelled' && (
        <button type="button" className="button button--danger" data-testid="row-cancel" onClick={() => void actions.cancelFolder(id)}>
          Cancel
        </button>
      )}
    </div>
  );
}
