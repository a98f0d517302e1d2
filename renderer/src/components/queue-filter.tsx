// Which rows the queue shows: all, those still going, those that failed, or
// the finished ones (the transfer history, with their addresses to copy).
import type { QueueFilter } from '../lib/format.ts';

const FILTERS: Array<{ value: QueueFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'failed', label: 'Failed' },
  { value: 'done', label: 'Done' },
];

export function QueueFilterBar({ filter, counts, onChange }: { filter: QueueFilter; counts: Record<QueueFilter, number>; onChange: (filter: QueueFilter) => void }) {
  return (
    <div className="queue-filter" role="radiogroup" aria-label="Show" data-testid="queue-filter">
      {FILTERS.map(({ value, label }) => (
        <button
          key={value}
          type="button"
          role="radio"
          aria-checked={filter === value}
          className={filter === value ? 'queue-filter__option queue-filter__option--on' : 'queue-filter__option'}
          data-testid={`queue-filter-${value}`}
          onClick={() => onChange(value)}
        >
          {label} <span className="queue-filter__count">{counts[value]}</span>
        </button>
      ))}
    </div>
  );
}
