// Adds or edits a target. Validated with the contract's schema before sending,
// so a bad bucket name is pointed at here instead of failing later in main.
//
// The secret access key is write-only: it is sent on save when typed, the
// field is emptied afterwards, and main never sends it back (only hasSecret).
import { useEffect, useRef, useState } from 'react';
import type { AppInfo, ConfirmationRequest, Target, TargetCheck, TargetView } from '../../../shared/ipc-contract.ts';
import type { FieldErrors } from '../lib/field-errors.ts';
import { useActions } from '../state/hoist-context.tsx';
import type { SavedTarget } from '../state/hoist-actions.ts';
import { FormField } from './form-field.tsx';
import { InsecureHttpField } from './insecure-http-field.tsx';
import { CredentialsFields } from './target-credentials-fields.tsx';
import { draftFrom, newTargetId, validate } from './target-draft.ts';
import type { TargetDraft } from './target-draft.ts';
import { TargetChangeConfirm } from './target-change-confirm.tsx';

/** The error keys each draft field answers for (validate() names them by the contract's paths). */
const ERROR_KEYS: Partial<Record<keyof TargetDraft, readonly string[]>> = {
  name: ['name'],
  endpoint: ['endpoint', 'allowInsecureHttp'],
  allowInsecureHttp: ['allowInsecureHttp'],
  region: ['region'],
  bucket: ['bucket'],
  keyPrefix: ['keyPrefix'],
  credentialsKind: ['credentials.accessKeyId', 'credentials.profile', 'secretAccessKey'],
  profile: ['credentials.profile'],
  accessKeyId: ['credentials.accessKeyId'],
  secret: ['secretAccessKey'],
  expiryDays: ['expiryDays'],
  expiryNever: ['expiryDays'],
};

function withoutErrorsOf(errors: FieldErrors, fields: ReadonlyArray<keyof TargetDraft>): FieldErrors {
  const stale = fields.flatMap((field) => ERROR_KEYS[field] ?? []);
  if (!stale.some((key) => errors[key] !== undefined)) return errors;
  const rest = { ...errors };
  for (const key of stale) delete rest[key];
  return rest;
}

interface TargetFormProps {
  /** The target to edit, or null to add one. The panel remounts the form (key) when this changes. */
  editing: TargetView | null;
  appInfo: AppInfo | null;
  onSaved: (saved: SavedTarget) => void;
  onCancel: () => void;
  /** What trying the target found when it was just saved, if it failed: shown beside the field to fix. */
  failedCheck?: TargetCheck | undefined;
}

/** A failed check as form errors: the field it points at, or the form as a whole. */
export function checkErrors(check: TargetCheck | undefined, credentialsKind: 'chain' | 'keys'): FieldErrors {
  if (!check || check.ok) return {};
  const message = `Saved, but trying it failed: ${check.message}`;
  switch (check.field) {
    case 'endpoint':
    case 'region':
    case 'bucket':
      return { [check.field]: message };
    case 'credentials':
      return { [credentialsKind === 'keys' ? 'credentials.accessKeyId' : 'credentials.profile']: message };
    default:
      return { form: message };
  }
}

export function TargetForm({ editing, appInfo, onSaved, onCancel, failedCheck }: TargetFormProps) {
  const actions = useActions();
  const [draft, setDraft] = useState<TargetDraft>(() => draftFrom(editing ?? undefined));
  const [errors, setErrors] = useState<FieldErrors>(() => checkErrors(failedCheck, draft.credentialsKind));
  const [saving, setSaving] = useState(false);
  // Main's question about a change to where the target's requests go, and what to send again if the user agrees.
  const [asking, setAsking] = useState<{ confirm: ConfirmationRequest; target: Target; secretAccessKey?: string } | null>(null);
  const keysUnavailable = appInfo?.secretStorage === 'unavailable';

  const formRef = useRef<HTMLFormElement>(null);
  // An edit opens where the user can see it: the form is scrolled into view and its first field focused.
  useEffect(() => {
    if (!editing) return;
    formRef.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
  }, [editing]);
  // A field's error goes as soon as the field changes: it described the old value.
  const update = (patch: Partial<TargetDraft>) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    setErrors((previous) => withoutErrorsOf(previous, Object.keys(patch) as Array<keyof TargetDraft>));
  };

  async function save() {
    const result = validate(draft, draft.id ?? newTargetId());
    if (!result.ok) {
      setErrors(result.errors);
      // The first field in error may be out of view: bring it there, focused, with its message beside it.
      requestAnimationFrame(() => {
        const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        invalid?.scrollIntoView?.({ block: 'center' });
        invalid?.focus({ preventScroll: true });
      });
      return;
    }
    setErrors({});
    await send(result.value.target, result.value.secretAccessKey);
  }

  async function send(target: Target, secretAccessKey?: string, confirmation?: string) {
    setSaving(true);
    setAsking(null);
    const saved = await actions.saveTarget(target, secretAccessKey, confirmation);
    setSaving(false);
    // On failure the notice says why and the draft stays for another try; on
    // success the panel remounts an empty form, which also drops the typed secret.
    if (saved && 'confirm' in saved) setAsking({ confirm: saved.confirm, target, ...(secretAccessKey ? { secretAccessKey } : {}) });
    else if (saved) {
      // Saved again with the same problem: the form stays mounted, so it shows the new answer itself.
      setErrors(checkErrors(saved.check, draft.credentialsKind));
      onSaved(saved);
    }
  }

  return (
    <form
      ref={formRef}
      className="target-form"
      data-testid="target-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h3 className="panel__subtitle">{draft.id ? `Edit “${editing?.name ?? draft.name}”` : 'Add a target'}</h3>
      {errors.form && (
        <p className="field__error" role="alert" data-testid="target-check-error">
          {errors.form}
        </p>
      )}
      <FormField label="Name" error={errors.name}>
        <input type="text" data-testid="target-name" value={draft.name} onChange={(e) => update({ name: e.target.value })} />
      </FormField>
      <FormField label="Endpoint" error={errors.endpoint} hint="Empty for AWS S3; for others e.g. https://minio.example:9000">
        <input
          type="url"
          data-testid="target-endpoint"
          placeholder="https://…"
          value={draft.endpoint}
          onChange={(e) => update({ endpoint: e.target.value })}
        />
      </FormField>
      <InsecureHttpField endpoint={draft.endpoint} allowed={draft.allowInsecureHttp} error={errors.allowInsecureHttp} onChange={(allowInsecureHttp) => update({ allowInsecureHttp })} />
      <div className="field-row">
        <FormField label="Region" error={errors.region}>
          <input type="text" data-testid="target-region" placeholder="us-east-1" value={draft.region} onChange={(e) => update({ region: e.target.value })} />
        </FormField>
        <FormField label="Bucket" error={errors.bucket}>
          <input
            type="text"
            data-testid="target-bucket"
            spellCheck={false}
            value={draft.bucket}
            onChange={(e) => update({ bucket: e.target.value })}
          />
        </FormField>
      </div>
      <FormField label="Key prefix" error={errors.keyPrefix} hint="Put in front of every key, e.g. backups/ (optional)">
        <input
          type="text"
          data-testid="target-prefix"
          spellCheck={false}
          value={draft.keyPrefix}
          onChange={(e) => update({ keyPrefix: e.target.value })}
        />
      </FormField>
      <label className="check">
        <input type="checkbox" data-testid="target-path-style" checked={draft.pathStyle} onChange={(e) => update({ pathStyle: e.target.checked })} />
        Path-style addressing (most S3-compatible servers need it)
      </label>

      <CredentialsFields draft={draft} errors={errors} update={update} keysUnavailable={keysUnavailable} />

      <fieldset className="fieldset">
        <legend>Unfinished uploads expire</legend>
        <div className="field-row field-row--inline">
          <FormField label="After days" error={errors.expiryDays}>
            <input
              type="number"
              min={1}
              max={3650}
              data-testid="target-expiry-days"
              disabled={draft.expiryNever}
              value={draft.expiryDays}
              onChange={(e) => update({ expiryDays: e.target.value })}
            />
          </FormField>
          <label className="check">
            <input
              type="checkbox"
              data-testid="target-expiry-never"
              checked={draft.expiryNever}
              onChange={(e) => update({ expiryNever: e.target.checked })}
            />
            Never
          </label>
        </div>
        <p className="field__hint">The bucket’s lifecycle rule: after this, the server discards unfinished uploads and Hoist must start them over.</p>
      </fieldset>

      {asking && (
        <TargetChangeConfirm
          question={asking.confirm.question}
          onConfirm={() => void send(asking.target, asking.secretAccessKey, asking.confirm.code)}
          onCancel={() => setAsking(null)}
        />
      )}
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="target-save" disabled={saving || asking !== null}>
          {draft.id ? 'Save changes' : 'Add target'}
        </button>
        {draft.id && (
          <button
            type="button"
            className="button"
            data-testid="target-cancel-edit"
            onClick={onCancel}
          >
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
