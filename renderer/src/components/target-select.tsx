// Where new uploads go. Changing it never moves uploads already queued.
import { hostOf } from '../lib/format.ts';
import { useHoist } from '../state/hoist-context.tsx';

export function TargetSelect() {
  const targets = useHoist((s) => s.targets);
  const selected = useHoist((s) => s.selectedTargetId);
  const select = useHoist((s) => s.selectTarget);

  return (
    <label className="target-select">
      <span className="target-select__label">Upload to</span>
      <select
        data-testid="target-select"
        value={selected ?? ''}
        disabled={targets.length === 0}
        onChange={(event) => select(event.target.value || null)}
      >
        {targets.length === 0 && <option value="">No targets yet: add one under Targets</option>}
        {targets.map((target) => (
          <option key={target.id} value={target.id}>
            {target.name} — s3://{target.bucket}/{target.keyPrefix} on {hostOf(target.endpoint)}
          </option>
        ))}
      </select>
    </label>
  );
}
