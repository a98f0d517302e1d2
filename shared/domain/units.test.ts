import { describe, expect, it } from 'vitest';
import { GiB, KiB, MiB, TiB, formatBytes, formatDuration, parseByteSize } from './units.ts';

describe('parseByteSize', () => {
  it('reads plain byte counts', () => {
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('0')).toBe(0);
    expect(parseByteSize('12b')).toBe(12);
  });

  it('reads binary units (k, KiB, m, MiB, g, GiB, t, TiB) case-insensitively', () => {
    expect(parseByteSize('1k')).toBe(KiB);
    expect(parseByteSize('8MiB')).toBe(8 * MiB);
    expect(parseByteSize('8mib')).toBe(8 * MiB);
    expect(parseByteSize('5M')).toBe(5 * MiB);
    expect(parseByteSize('2GiB')).toBe(2 * GiB);
    expect(parseByteSize('1g')).toBe(GiB);
    expect(parseByteSize('1TiB')).toBe(TiB);
  });

  it('reads decimal units (kB, MB, GB, TB) as powers of 1000', () => {
    expect(parseByteSize('1kb')).toBe(1000);
    expect(parseByteSize('5 MB')).toBe(5_000_000);
    expect(parseByteSize('3GB')).toBe(3_000_000_000);
    expect(parseByteSize('2TB')).toBe(2_000_000_000_000);
  });

  it('accepts fractions and surrounding spaces, rounding to whole bytes', () => {
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('  8 MiB  ')).toBe(8 * MiB);
    expect(parseByteSize('0.3k')).toBe(307); // 307.2 rounds down
  });

  it('rejects text that is not a size', () => {
    for (const text of ['', 'abc', 'MiB', '-5MiB', '5 XB', '1e3', '5MiBs', '1,024', '.5k']) {
      expect(parseByteSize(text), text).toBeUndefined();
    }
  });

  it('rejects sizes beyond the safe-integer range', () => {
    expect(parseByteSize('99999999TiB')).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('shows bytes below 1 KiB without a decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('uses binary units with one decimal under 100, none from 100', () => {
    expect(formatBytes(KiB)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * MiB)).toBe('8.0 MiB');
    expect(formatBytes(150 * MiB)).toBe('150 MiB');
    expect(formatBytes(1.25 * GiB)).toBe('1.3 GiB');
    expect(formatBytes(10 * TiB)).toBe('10.0 TiB');
  });

  it('stops at TiB', () => {
    expect(formatBytes(2048 * TiB)).toBe('2048 TiB');
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours with zero-padded minor units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(36_000 + 59 * 60)).toBe('10h 59m');
  });

  it('rounds to the nearest second before splitting', () => {
    expect(formatDuration(59.6)).toBe('1m 00s');
    expect(formatDuration(41.4)).toBe('41s');
  });

  it('shows "?" for a negative, infinite or NaN duration', () => {
    expect(formatDuration(-1)).toBe('?');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
