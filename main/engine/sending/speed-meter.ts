/** Window over which speed is averaged: long enough to smooth part-sized bursts. */
const WINDOW_MS = 5_000;

/** Bytes per second over a sliding window, from samples of a growing byte count. */
export class SpeedMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  sample(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && (this.samples[0] as { at: number }).at < at - WINDOW_MS) this.samples.shift();
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  reset(): void {
    this.samples.length = 0;
  }
}
