// The places uploads can go: a list, and a form to add or edit one.
import { useState } from 'react';
import type { TargetCheck, TargetView } from '../../../shared/ipc-contract.ts';
import { hostOf } from '../lib/format.ts';
import { useActions, useHoist } from '../state/hoist-context.tsx';
import { OrphansList } from './orphans-list.tsx';
import { TargetForm } from './target-form.tsx';

export function TargetsPanel() {
  const targets = useHoist((s) => s.targets);
  const appInfo = useHoist((s) => s.appInfo);
  const actions = useActions();
  const [editingId, setEditingId] = useState<string | null>(null);
  // Bumped after each save so the form remounts empty (and forgets any typed secret).
  const [formGeneration, setFormGeneration] = useState(0);
  const [status, setStatus] = useState('');
  // A target just saved whose check failed stays open in the form, the problem beside its field.
  const [failedCheck, setFailedCheck] = useState<TargetCheck | undefined>(undefined);
  const editing = targets.find((t) => t.id === editingId) ?? null;

  return (
    <section className="panel" data-testid="targets-panel" aria-labelledby="targets-title">
      <h2 className="panel__title" id="targets-title">
        Targets
      </h2>
      {targets.length === 0 ? (
        <p className="panel__empty">No targets yet. Add the bucket to upload to below.</p>
      ) : (
        <ul className="target-list">
          {targets.map((target) => (
            <TargetItem
              key={target.id}
              target={target}
              onEdit={() => {
                setEditingId(target.id);
                setStatus('');
                setFailedCheck(undefined);
              }}
              onRemove={() => {
                void actions.removeTarget(target.id).then((removed) => {
                  if (removed) setEditingId((current) => (current === target.id ? null : current));
                });
              }}
            />
          ))}
        </ul>
      )}
      <TargetForm
        key={editing ? `edit-${editing.id}` : `new-${formGeneration}`}
        editing={editing}
        appInfo={appInfo}
        failedCheck={failedCheck}
        onSaved={(saved) => {
          if (saved.check && !saved.check.ok) {
            setEditingId(saved.id);
            setFailedCheck(saved.check);
            setStatus(`Saved “${saved.name}”, but Hoist could not use it yet: see the form.`);
            return;
          }
          setEditingId(null);
          setFailedCheck(undefined);
          setFormGeneration((n) => n + 1);
          setStatus(saved.check ? `Saved “${saved.name}”: ${saved.check.message}.` : `Saved “${saved.name}”.`);
        }}
        onCancel={() => {
          setEditingId(null);
          setFailedCheck(undefined);
        }}
      />
      {status && (
        <p className="form-status" role="status" data-testid="target-form-status">
          {status}
        </p>
      )}
    </section>
  );
}

function TargetItem({ target, onEdit, onRemove }: { target: TargetView; onEdit: () => void; onRemove: () => void }) {
  const where = `s3://${target.bucket}/${target.keyPrefix} · ${target.endpoint || 'AWS'} · ${target.region}`;
  // Name, bucket and host on lines of their own: two targets alike but for the server never look the same, however narrow the panel.
  const meta = `${describeCredentials(target)} · ${target.expiryDays === null ? 'never expires' : `expires after ${target.expiryDays} d`}`;
  const [showOrphans, setShowOrphans] = useState(false);
  return (
    <li className="target-item" data-testid="target-item" data-target-id={target.id}>
      <div className="target-item__text">
        <span className="target-item__name">{target.name}</span>
        <span className="target-item__where" title={where} data-testid="target-where">
          s3://{target.bucket}/{target.keyPrefix}
        </span>
        <span className="target-item__where target-item__where--full" title={where} data-testid="target-host">
          on {target.endpoint || hostOf(target.endpoint)} · {target.region}
        </span>
        <span className="target-item__meta" title={meta}>
          {meta}
        </span>
      </div>
      <div className="target-item__actions">
        <button type="button" className="button button--quiet" data-testid="target-edit" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="button button--quiet button--danger" data-testid="target-remove" onClick={onRemove}>
          Remove
        </button>
      </div>
      <div className="target-item__more">
        <button
          type="button"
          className="button button--quiet"
          data-testid="target-orphans"
          aria-expanded={showOrphans}
          onClick={() => setShowOrphans((shown) => !shown)}
        >
          {showOrphans ? 'Hide unfinished uploads' : 'Unfinished uploads on server'}
        </button>
        {showOrphans && <OrphansList target={target} />}
      </div>
    </li>
  );
}

function describeCredentials(target: TargetView): string {
  if (target.credentials.kind === 'keys') {
    return `access key ${target.credentials.accessKeyId} · ${target.hasSecret ? 'secret stored' : 'no secret stored'}`;
  }
  return target.credentials.profile ? `AWS profile “${target.credentials.profile}”` : 'AWS default credentials';
}
