// A fixed-row-height virtual list: only the rows in view, plus a few above and
// below (overscan) so fast scrolling does not show blank space, are in the DOM.
// With 10,000 uploads the queue renders a few dozen rows, not 10,000.
//
// Fixed heights keep it simple and exact: the row at index i sits at
// i * rowHeight inside a spacer as tall as all rows, so the scrollbar behaves
// as if every row were there.
import { useLayoutEffect, useRef, useState } from 'react';
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

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  overscan?: number;
  /** Stable key for the row at an index (an upload id), so rows keep their DOM while the list shifts. */
  rowKey: (index: number) => string;
  renderRow: (index: number) => ReactNode;
  label: string;
  className?: string;
}

export function VirtualList({ count, rowHeight, overscan = 6, rowKey, renderRow, label, className }: VirtualListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // The first row in view, not the raw scrollTop: scrolling within a row then
  // sets the same value and React skips the render.
  const [firstRow, setFirstRow] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);

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

  const height = viewportHeight > 0 ? viewportHeight : window.innerHeight || FALLBACK_VIEWPORT_PX;
  const { start, end } = visibleRange(firstRow * rowHeight, height, rowHeight, count, overscan);

  const rows: ReactNode[] = [];
  for (let index = start; index < end; index += 1) {
    rows.push(
      <div
        key={rowKey(index)}
        className="virtual-list__row"
        role="listitem"
        aria-setsize={count}
        aria-posinset={index + 1}
        style={{ transform: `translateY(${index * rowHeight}px)`, height: rowHeight }}
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
      onScroll={(event) => setFirstRow(Math.floor(event.currentTarget.scrollTop / rowHeight))}
    >
      <div className="virtual-list__spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
