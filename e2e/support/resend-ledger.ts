// Which crash a re-sent byte belongs to, over a chain of killed runs. A killed
// run reports nothing, so each kill's parts in flight (recorded as started by
// that run and not done) are noted. A run that ends by itself reports the
// bytes it sent; those beyond the parts it sent for the first time were sent
// again, and can only be parts some earlier run had started: they are shared
// among the crashes those parts were in flight at, in proportion to their
// bytes, so no crash is given more than it had in flight.
import type { PartSnapshot } from './crash-checks.ts';

interface PendingCrash {
  kind: string;
  parts: Set<string>;
  /** Nothing was in flight: settled (with nothing to send again) by the next run that reports. */
  empty: boolean;
  /** Its share of re-sent bytes so far, and whether any run that reports has measured it. */
  share: number;
  measured: boolean;
}

/** A crash whose parts in flight are all settled: its share of re-sent bytes, if a run that reports measured it. */
export interface SettledCrash {
  kind: string;
  share: number;
  measured: boolean;
}

export class ResendLedger {
  private pending: PendingCrash[] = [];
  private done: SettledCrash[] = [];
  /** Every part any run of the chain has been seen to start. */
  private readonly started = new Set<string>();

  /** A run was killed: its parts in flight are the ones it recorded as started (at or after `startedAt`) and did not finish. */
  killed(kind: string, after: ReadonlyMap<string, PartSnapshot>, startedAt: number): number {
    const parts = new Set<string>();
    let bytes = 0;
    for (const [key, part] of after) {
      if (part.state !== 'uploading' || part.updatedAt < startedAt) continue;
      parts.add(key);
      bytes += part.size;
      // A part belongs to the latest crash that had it in flight.
      for (const crash of this.pending) crash.parts.delete(key);
    }
    this.forgetFinished(after);
    this.pending.push({ kind, parts, empty: parts.size === 0, share: 0, measured: false });
    this.observe(after);
    return bytes;
  }

  /**
   * A run ended by itself, reporting `bytesSent`. Returns the bytes it sent
   * again (reported − parts sent for the first time) and the most it can have
   * sent again (parts an earlier run had started that it brought to done).
   */
  reported(bytesSent: number, before: ReadonlyMap<string, PartSnapshot>, after: ReadonlyMap<string, PartSnapshot>): { resent: number; againBytes: number } {
    const again = new Map<string, number>();
    let fresh = 0;
    for (const [key, part] of after) {
      if (part.state !== 'done' || before.get(key)?.state === 'done') continue;
      if (this.started.has(key)) again.set(key, part.size);
      else fresh += part.size;
    }
    const resent = bytesSent - fresh;
    const againBytes = [...again.values()].reduce((sum, size) => sum + size, 0);
    for (const crash of this.pending) {
      const mine = [...crash.parts].reduce((sum, key) => sum + (again.get(key) ?? 0), 0);
      // A crash with nothing in flight had nothing to send again: this run measures it as such.
      if (crash.empty || mine > 0) crash.measured = true;
      if (mine > 0) crash.share += (Math.max(0, resent) * mine) / againBytes;
    }
    this.forgetFinished(after);
    this.observe(after);
    return { resent, againBytes };
  }

  /** Crashes settled since the last call. */
  takeSettled(): SettledCrash[] {
    const settled = this.done;
    this.done = [];
    return settled;
  }

  /** Parts now done are settled (a part a killed run finished can no longer be measured); a crash with none left is too. */
  private forgetFinished(after: ReadonlyMap<string, PartSnapshot>): void {
    this.pending = this.pending.filter((crash) => {
      for (const key of [...crash.parts]) if (after.get(key)?.state === 'done') crash.parts.delete(key);
      if (crash.parts.size > 0 || (crash.empty && !crash.measured)) return true;
      this.done.push({ kind: crash.kind, share: crash.share, measured: crash.measured });
      return false;
    });
  }

  private observe(snapshot: ReadonlyMap<string, PartSnapshot>): void {
    for (const [key, part] of snapshot) if (part.state !== 'pending') this.started.add(key);
  }
}
