// An expanded folder row's files: a virtual list of its own (a folder may hold
// 100,000 files), filled page by page from main (`folders.files`, in path
// order) as the end of the list comes into view, and asked again now and then
// while the folder runs so the states shown move on.
import { memo, useEffect, useRef } from 'react';
import type { FolderFileView, FolderView } from '../../../shared/ipc-contract.ts';
import { formatBytes } from '../lib/format.ts';
import { fileStateLabel } from '../lib/folder-format.ts';
import { useActions } from '../state/hoist-context.tsx';
import type { FileFilter, FolderFiles } from '../state/folder-slice.ts';
import { VirtualList } from './virtual-list.tsx';

/** Every file row has exactly this height (styles.css sizes .folder-file to match). */
export const FILE_ROW_HEIGHT = 24;
/** What an expanded folder row adds to its height: the filter line and the list (styles.css: .folder-files). */
export const FILES_PANEL_HEIGHT = 248;
/** The shown files are asked for again at most this often while the folder changes. */
const REFRESH_MS = 2000;

const FILTERS: Array<[FileFilter, string]> = [
  ['all', 'All files'],
  ['notSent', 'Not sent'],
  ['there', 'Already there'],
  ['sent', 'Sent'],
  ['waiting', 'Waiting'],
  ['differs', 'Different on the server'],
];

export function FolderFilesPanel({ folder, files }: { folder: FolderView; files: FolderFiles }) {
  const actions = useActions();
  useRefreshWhileChanging(folder, files);
  const count = files.files.length;

  return (
    <section className="folder-files" data-testid="folder-files" aria-label={`Files of ${folder.path}`}>
      <div className="folder-files__head">
        <select
          className="folder-files__filter"
          data-testid="folder-files-filter"
          aria-label="Which files to list"
          value={files.filter}
          onChange={(event) => void actions.setFileFilter(folder.id, event.target.value as FileFilter)}
        >
          {FILTERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {files.error && (
          <span className="folder-files__error" data-testid="folder-files-error">
            {files.error}
          </span>
        )}
      </div>
      <VirtualList
        className="folder-files__list"
        label={`Files of ${folder.path}`}
        count={count + 1}
        rowHeight={FILE_ROW_HEIGHT}
        rowKey={(index) => (index < count ? (files.files[index]?.relPath ?? `missing-${index}`) : '\u0000end')}
        renderRow={(index) => {
          const file = files.files[index];
          return file ? <FileRow file={file} /> : <ListEnd folderId={folder.id} files={files} />;
        }}
      />
    </section>
  );
}

const FileRow = memo(function FileRow({ file }: { file: FolderFileView }) {
  return (
    <div className={`folder-file folder-file--${file.state}`} data-testid="folder-file" data-state={file.state} data-path={file.relPath}>
      <span className="folder-file__path" title={file.relPath}>
        {file.relPath}
      </span>
      <span className="folder-file__size">{formatBytes(file.size)}</span>
      <span className="folder-file__state">{fileStateLabel(file.state)}</span>
      <span className="folder-file__message" title={file.message ?? undefined} data-testid="folder-file-message">
        {file.message ?? ''}
      </span>
    </div>
  );
});

/** The last line: the next page is asked for as soon as this line is near the view. */
function ListEnd({ folderId, files }: { folderId: string; files: FolderFiles }) {
  const actions = useActions();
  const more = !files.complete && !files.loading && files.error === null;
  useEffect(() => {
    if (more) void actions.loadMoreFiles(folderId);
  }, [actions, folderId, more, files.files.length]);
  const text = files.loading
    ? 'Loading…'
    : files.error
      ? ''
      : files.complete
        ? files.files.length === 0
          ? 'No files here.'
          : `${files.files.length.toLocaleString('en-US')} files listed.`
        : '';
  return (
    <div className="folder-file folder-file--end" data-testid="folder-files-end">
      {text}
      {files.error && (
        <button type="button" className="button button--quiet" onClick={() => void actions.loadMoreFiles(folderId)}>
          Try again
        </button>
      )}
    </div>
  );
}

/** While the folder's figures move, the files shown are asked for again (at most every REFRESH_MS). */
function useRefreshWhileChanging(folder: FolderView, files: FolderFiles): void {
  const actions = useActions();
  const signature = `${folder.state}|${folder.running}|${JSON.stringify(folder.totals)}`;
  const first = useRef(signature);
  const last = useRef(0);
  const listed = files.files.length > 0 || files.complete;
  useEffect(() => {
    if (signature === first.current || !listed) return;
    const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      void actions.refreshFiles(folder.id);
    }, wait);
    return () => clearTimeout(timer);
  }, [actions, folder.id, signature, listed]);
}
