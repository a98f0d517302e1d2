import type { UploadView } from '../ipc-contract.ts';

/** What every host (CLI status, tray, renderer) shows of one upload: the contract's UploadView. */
export type UploadSnapshot = UploadView;
