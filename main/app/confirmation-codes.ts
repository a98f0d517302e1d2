import { randomBytes } from 'node:crypto';

/** Long enough to read the question and click; short enough that a code lying around is soon worthless. */
export const CONFIRMATION_TTL_MS = 2 * 60_000;
/** Codes waiting at once; the oldest goes first (a page asking over and over cannot grow this). */
const MAX_PENDING = 32;

/**
 * One-time confirmation codes for a host without a native dialog (headless):
 * main refuses a change with a fresh code bound to exactly that change; the
 * page shows main's question and, if the user agrees, sends the same change
 * again with the code. A code works once, for its own change, for a short while.
 */
export class ConfirmationCodes {
  private readonly pending = new Map<string, { binding: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(binding: string): string {
    this.dropExpired();
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const code = randomBytes(18).toString('base64url');
    this.pending.set(code, { binding, expiresAt: this.now() + CONFIRMATION_TTL_MS });
    return code;
  }

  /** True once for a live code issued for this very binding; the code is spent either way. */
  take(code: string, binding: string): boolean {
    this.dropExpired();
    const entry = this.pending.get(code);
    if (!entry) return false;
    this.pending.delete(code);
    return entry.binding === binding;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [code, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(code);
  }
}
