// A fixed-row-height virtual list: only the rows in view, plus a few above and
// below (overscan) so fast scrolling does not show blank space, are in the DOM.
// With 10,000 uploads the queue renders a few dozen rows, not 10,000.
//
// Fixed heights keep it simple and exact: the row at index i sits at
// i * rowHeight inside a spacer as tall as all rows, so the scrollbar behaves
// as if every row were there. Where a few rows are taller (an expanded folder
// row), rowHeight is a function: each row's top is then the sum of the
// heights above it, computed once per change of the rows (a pass over an
// array, fast at 10,000 rows), and the row at a scroll position is found by
// binary search.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';

/** Used until the viewport has been measured (and in jsdom, which has no layout). */
const FALLBACK_VIEWPORT_PX = 800;

export interface VisibleRange {
  /** First index to render (inclusive). */
  start: number;
  /** One past the last index to render. */
  end: number;
}

export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan: number): VisibleRange {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, count) - overscan);
  const end = Math.min(count, first + inView + overscan);
  return { start, end: Math.max(start, end) };
}

/** The top of every row, and the total height at the end: offsets[i] is row i's top, offsets[count] the spacer's height. */
export function rowOffsets(count: number, heightOf: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1);
  for (let index = 0; index < count; index += 1) offsets[index + 1] = (offsets[index] ?? 0) + heightOf(index);
  return offsets;
}

/** The row at height y (the last one when y is past the end). */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  let low = 0;
  let high = Math.max(0, count - 1);
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((offsets[middle] ?? 0) <= y) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** visibleRange for rows of different heights. */
export function visibleRangeOf(offsets: Float64Array, firstRow: number, viewportHeight: number, overscan: number): VisibleRange {
  const count = offsets.length - 1;
  const first = Math.min(Math.max(0, firstRow), count);
  let last = first;
  const bottom = (offsets[first] ?? 0) + viewportHeight;
  while (last < count && (offsets[last] ?? 0) < bottom) last += 1;
  const start = Math.max(0, first - overscan);
  return { start, end: Math.max(start, Math.min(count, last + overscan)) };
}

export interface VirtualListProps {
  count: number;
  /** Every row's height, or each row's (memoise the function: a new one lays out every row again). */
  rowHeight: number | ((index: number) => number);
  overscan?: number;
  /** Stable key for the row at an index (an upload id), so rows keep their DOM while the list shifts. */
  rowKey: (index: number) => string;
  renderRow: (index: number) => ReactNode;
  label: string;
  className?: string;
  /** When this changes (a new first row), the list scrolls back to its top so that row is in view. */
  topKey?: string;
}

export function VirtualList({ count, rowHeight, overscan = 6, rowKey, renderRow, label, className, topKey }: VirtualListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // The first row in view, not the raw scrollTop: scrolling within a row then
  // sets the same value and React skips the render.
  const [firstRow, setFirstRow] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);
  const shownTopKey = useRef(topKey);
  useLayoutEffect(() => {
    if (shownTopKey.current === topKey) return;
    shownTopKey.current = topKey;
    if (!scroller.current || scroller.current.scrollTop === 0) return;
    scroller.current.scrollTop = 0;
    // The scroll event comes later (or never, off a real layout): the rows in view change now.
    setFirstRow(0);
  }, [topKey]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setViewportHeight(element.clientHeight);
    if (typeof ResizeObserver === 'undefined') {
      measure();
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    // No measuring here: reading clientHeight in the middle of React's commit
    // would force a layout of the whole window, then a second render and layout,
    // all before the first paint. The observer reports the first size right
    // after the browser's own layout; until then the window's height (never
    // less than the list's) stands in, so no rows are missing.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const offsets = useMemo(() => (typeof rowHeight === 'number' ? null : rowOffsets(count, rowHeight)), [count, rowHeight]);
  const fixed = typeof rowHeight === 'number' ? rowHeight : 0;
  const top = (index: number) => (offsets ? (offsets[index] ?? 0) : index * fixed);
  const height = viewportHeight > 0 ? viewportHeight : window.innerHeight || FALLBACK_VIEWPORT_PX;
  const { start, end } = offsets ? visibleRangeOf(offsets, firstRow, height, overscan) : visibleRange(firstRow * fixed, height, fixed, count, overscan);

  const rows: ReactNode[] = [];
  for (let index = start; index < end; index += 1) {
    rows.push(
      <div
        key={rowKey(index)}
        className="virtual-list__row"
        role="listitem"
        aria-setsize={count}
        aria-posinset={index + 1}
        style={{ transform: `translateY(${top(index)}px)`, height: top(index + 1) - top(index) }}
      >
        {renderRow(index)}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className={className ? `virtual-list ${className}` : 'virtual-list'}
      role="list"
      aria-label={label}
      // Focusable so the keyboard can scroll it (PageDown, arrows).
      tabIndex={0}
      onScroll={(event) => {
        const y = event.currentTarget.scrollTop;
        setFirstRow(offsets ? rowAt(offsets, y) : Math.floor(y / fixed));
      }}
    >
      <div className="virtual-list__spacer" style={{ height: top(count) }}>
        {rows}
      </div>
    </div>
  );
}
