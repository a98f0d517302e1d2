import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PART_SIZE,
  MAX_MULTIPART_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIN_PART_SIZE,
  PartPlanError,
  choosePartSize,
  findCoverageGap,
  partCount,
  planParts,
  usesSinglePut,
} from './part-plan.ts';
import type { PlannedPart } from './part-plan.ts';
import { GiB, KiB, MiB, TiB } from './units.ts';

/** Asserts the invariant every plan must hold: parts 1..n, contiguous from 0, ending at the file's end. */
function expectContiguous(parts: readonly PlannedPart[], fileSize: number): void {
  let offset = 0;
  for (const [index, part] of parts.entries()) {
    expect(part.partNumber).toBe(index + 1);
    expect(part.offset).toBe(offset);
    offset += part.size;
  }
  expect(offset).toBe(fileSize);
}

describe('choosePartSize', () => {
  it('uses the default when nothing is preferred and the file is small enough', () => {
    expect(choosePartSize(100 * MiB)).toBe(DEFAULT_PART_SIZE);
  });

  it('clamps a preferred size below 5 MiB up to 5 MiB', () => {
    expect(choosePartSize(100 * MiB, 1 * MiB)).toBe(MIN_PART_SIZE);
    expect(choosePartSize(100 * MiB, 0)).toBe(MIN_PART_SIZE);
  });

  it('clamps a preferred size above 5 GiB down to 5 GiB', () => {
    expect(choosePartSize(100 * MiB, 6 * GiB)).toBe(MAX_PART_SIZE);
  });

  it('keeps a preferred size inside the limits', () => {
    expect(choosePartSize(100 * MiB, 16 * MiB)).toBe(16 * MiB);
  });

  it('grows the part size when the file would otherwise need more than 10,000 parts', () => {
    // 100 GiB at 8 MiB would be 12,800 parts.
    const size = 100 * GiB;
    const partSize = choosePartSize(size, 8 * MiB);
    expect(partSize).toBeGreaterThan(8 * MiB);
    expect(partCount(size, partSize)).toBeLessThanOrEqual(MAX_PARTS);
  });

  it('plans a simulated 10 TiB source in at most 10,000 parts of a whole number of MiB', () => {
    const size = 10 * 1024 ** 4;
    const partSize = choosePartSize(size, DEFAULT_PART_SIZE);
    expect(partSize % MiB).toBe(0);
    expect(partSize).toBeGreaterThanOrEqual(MIN_PART_SIZE);
    expect(partSize).toBeLessThanOrEqual(MAX_PART_SIZE);
    const parts = planParts(size, partSize);
    expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
    // The smallest whole-MiB size that fits: 10 TiB / 10,000 = 1048.576 MiB, so 1049 MiB.
    expect(partSize).toBe(1049 * MiB);
    expectContiguous(parts, size);
    expect(findCoverageGap(parts, size)).toBeUndefined();
  });

  it('accepts the largest object a multipart upload can hold, with 5 GiB parts', () => {
    expect(choosePartSize(MAX_MULTIPART_SIZE)).toBe(MAX_PART_SIZE);
    expect(partCount(MAX_MULTIPART_SIZE, MAX_PART_SIZE)).toBe(MAX_PARTS);
  });

  it('throws PartPlanError for a file too large for any multipart upload', () => {
    expect(() => choosePartSize(MAX_MULTIPART_SIZE + 1)).toThrow(PartPlanError);
    expect(() => choosePartSize(50 * TiB)).toThrow(/larger than a multipart upload can hold/);
  });

  it('throws PartPlanError for a negative or non-integer size', () => {
    expect(() => choosePartSize(-1)).toThrow(PartPlanError);
    expect(() => choosePartSize(1.5)).toThrow(PartPlanError);
    expect(() => choosePartSize(Number.NaN)).toThrow(PartPlanError);
  });
});

describe('planParts', () => {
  it('covers [0, size) contiguously with a shorter last part', () => {
    const size = 12 * MiB + 345;
    const parts = planParts(size, 5 * MiB);
    expect(parts).toEqual([
      { partNumber: 1, offset: 0, size: 5 * MiB },
      { partNumber: 2, offset: 5 * MiB, size: 5 * MiB },
      { partNumber: 3, offset: 10 * MiB, size: 2 * MiB + 345 },
    ]);
    expectContiguous(parts, size);
  });

  it('makes equal parts for an exact multiple of the part size', () => {
    const parts = planParts(15 * MiB, 5 * MiB);
    expect(parts.map((part) => part.size)).toEqual([5 * MiB, 5 * MiB, 5 * MiB]);
    expectContiguous(parts, 15 * MiB);
  });

  it('gives a 0-byte file one part of size 0', () => {
    expect(planParts(0, MIN_PART_SIZE)).toEqual([{ partNumber: 1, offset: 0, size: 0 }]);
  });

  it('refuses a plan of more than 10,000 parts', () => {
    expect(() => planParts(MAX_PARTS * MIN_PART_SIZE + 1, MIN_PART_SIZE)).toThrow(PartPlanError);
    expect(planParts(MAX_PARTS * MIN_PART_SIZE, MIN_PART_SIZE)).toHaveLength(MAX_PARTS);
  });
});

describe('usesSinglePut', () => {
  it('is true only for files smaller than one part, including the empty file', () => {
    expect(usesSinglePut(0, 5 * MiB)).toBe(true);
    expect(usesSinglePut(5 * MiB - 1, 5 * MiB)).toBe(true);
    // Exactly one part's worth goes multipart (one part).
    expect(usesSinglePut(5 * MiB, 5 * MiB)).toBe(false);
    expect(usesSinglePut(12 * MiB, 5 * MiB)).toBe(false);
  });
});

describe('findCoverageGap', () => {
  const size = 12 * MiB;
  const good = (): PlannedPart[] => planParts(size, 5 * MiB);

  it('accepts a correct plan, and the 0-byte plan', () => {
    expect(findCoverageGap(good(), size)).toBeUndefined();
    expect(findCoverageGap(planParts(0, MIN_PART_SIZE), 0)).toBeUndefined();
  });

  it('reports an empty list', () => {
    expect(findCoverageGap([], size)).toBe('no parts');
  });

  it('reports a missing part', () => {
    const [first, , third] = good() as [PlannedPart, PlannedPart, PlannedPart];
    expect(findCoverageGap([first, third], size)).toMatch(/part 2 missing/);
  });

  it('reports overlapping parts', () => {
    const parts = good();
    (parts[1] as PlannedPart).offset -= KiB;
    expect(findCoverageGap(parts, size)).toMatch(/part 2 starts at/);
  });

  it('reports a gap between parts', () => {
    const parts = good();
    (parts[2] as PlannedPart).offset += 1;
    expect(findCoverageGap(parts, size)).toMatch(/part 3 starts at/);
  });

  it('reports parts that cover less (or more) than the file', () => {
    expect(findCoverageGap(good(), size + 1)).toMatch(/cover 12582912 bytes, the file has 12582913/);
    expect(findCoverageGap(good(), size - 1)).toMatch(/cover/);
  });

  it('reports a non-last part under 5 MiB', () => {
    const parts: PlannedPart[] = [
      { partNumber: 1, offset: 0, size: 4 * MiB },
      { partNumber: 2, offset: 4 * MiB, size: 8 * MiB },
    ];
    expect(findCoverageGap(parts, size)).toMatch(/part 1 is under the 5 MiB minimum/);
  });

  it('reports an empty part in a non-empty file', () => {
    expect(findCoverageGap([{ partNumber: 1, offset: 0, size: 0 }], 10)).toMatch(/part 1 is empty/);
  });
});
