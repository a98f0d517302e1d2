import type { AddResult } from '../../shared/ipc-contract.ts';
import { UserFacingError } from './dispatch.ts';
import type { HostCapabilities } from './host-capabilities.ts';

export interface RequestedPaths {
  /** The paths to act on. */
  paths: string[];
  /** Grants that name nothing this app issued, with why. */
  rejected: AddResult['rejected'];
}

/** Why a raw path is refused where only grants are taken. */
export const RAW_PATH_REFUSED =
  'the desktop app adds only files and folders chosen in its dialog, dropped on its window or named on its command line, never a path sent by the page';

/**
 * The paths a request names, by the host's rule (ipc-path-schemas.ts): with
 * grants (Electron) only grants it issued, a raw path refused outright; without
 * (headless) raw paths, a grant refused as meaningless there.
 */
export function requestedPaths(host: Pick<HostCapabilities, 'pathGrants'>, request: { paths: readonly string[]; grants: readonly string[] }): RequestedPaths {
  const { pathGrants } = host;
  if (!pathGrants) {
    if (request.grants.length > 0) throw new UserFacingError('unsupported', 'this Hoist takes files by their full path, not by grant');
    return { paths: [...request.paths], rejected: [] };
  }
  if (request.paths.length > 0) throw new UserFacingError('forbidden', RAW_PATH_REFUSED);
  const result: RequestedPaths = { paths: [], rejected: [] };
  for (const grant of request.grants) {
    const path = pathGrants.resolve(grant);
    if (path === undefined) result.rejected.push({ path: grant, reason: 'not a file chosen in this run of Hoist: choose or drop it again' });
    else result.paths.push(path);
  }
  return result;
}
