import { randomBytes } from 'node:crypto';
import type { GrantedPath } from '../../shared/ipc-contract.ts';

/** Grants kept at most: far more than anyone chooses in one run; the oldest go first. */
const MAX_GRANTS = 100_000;

/**
 * The paths a user chose by a gesture main saw (the native dialog, a drop the
 * preload resolved, the command line), each under an opaque grant that
 * requests name instead of the path (issue 15). A grant is random, so a page
 * cannot guess one, and lives as long as the app runs: a path can be added,
 * removed and added again without choosing it anew.
 */
export class PathGrants {
  private readonly byGrant = new Map<string, string>();
  private readonly byPath = new Map<string, string>();

  constructor(private readonly max = MAX_GRANTS) {}

  /** The grant for a path (the same one when it was granted before). */
  issue(path: string): GrantedPath {
    const known = this.byPath.get(path);
    if (known !== undefined) return { grant: known, path };
    const grant = `g_${randomBytes(18).toString('base64url')}`;
    this.byGrant.set(grant, path);
    this.byPath.set(path, grant);
    if (this.byGrant.size > this.max) {
      const [oldest, oldPath] = this.byGrant.entries().next().value as [string, string];
      this.byGrant.delete(oldest);
      this.byPath.delete(oldPath);
    }
    return { grant, path };
  }

  /** The path a grant stands for, or undefined for one this app never issued. */
  resolve(grant: string): string | undefined {
    return this.byGrant.get(grant);
  }
}
