// Adds or edits a target. Validated with the contract's schema before sending,
// so a bad bucket name is pointed at here instead of failing later in main.
//
// The secret access key is write-only: it is sent on save when typed, the
// field is emptied afterwards, and main never sends it back (only hasSecret).
import { useState } from 'react';
import { requests } from '../../../shared/ipc-contract.ts';
import type { AppInfo, TargetView } from '../../../shared/ipc-contract.ts';
import { fieldErrors, parseNumber } from '../lib/field-errors.ts';
import type { FieldErrors } from '../lib/field-errors.ts';
import { useActions } from '../state/hoist-context.tsx';
import { FormField } from './form-field.tsx';
import { InsecureHttpField } from './insecure-http-field.tsx';

interface TargetDraft {
  /** null for a new target; an id is made on save. */
  id: string | null;
  name: string;
  endpoint: string;
  region: string;
  bucket: string;
  keyPrefix: string;
  pathStyle: boolean;
  credentialsKind: 'chain' | 'keys';
  profile: string;
  accessKeyId: string;
  secret: string;
  expiryDays: string;
  expiryNever: boolean;
  /** The target being edited has a stored secret, so an empty secret field keeps it. */
  hasSecret: boolean;
  allowInsecureHttp: boolean;
}

function draftFrom(target?: TargetView): TargetDraft {
  const credentials = target?.credentials;
  return {
    id: target?.id ?? null,
    name: target?.name ?? '',
    endpoint: target?.endpoint ?? '',
    region: target?.region ?? 'us-east-1',
    bucket: target?.bucket ?? '',
    keyPrefix: target?.keyPrefix ?? '',
    pathStyle: target?.pathStyle ?? false,
    credentialsKind: credentials?.kind ?? 'chain',
    profile: credentials?.kind === 'chain' ? (credentials.profile ?? '') : '',
    accessKeyId: credentials?.kind === 'keys' ? credentials.accessKeyId : '',
    secret: '',
    expiryDays: target ? (target.expiryDays === null ? '7' : String(target.expiryDays)) : '7',
    expiryNever: target ? target.expiryDays === null : false,
    hasSecret: credentials?.kind === 'keys' && target?.hasSecret === true,
    allowInsecureHttp: target?.allowInsecureHttp ?? false,
  };
}

/** Target ids only need to be unique on this machine; random is simplest. */
function newTargetId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `t-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const MESSAGES: Record<string, string> = {
  name: 'Give the target a name (up to 100 characters).',
  endpoint: 'Enter an http:// or https:// URL, or leave it empty for AWS.',
  bucket: 'Not a valid bucket name: 3–63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit.',
  keyPrefix: 'At most 900 characters.',
  'credentials.accessKeyId': 'Enter the access key ID.',
  'credentials.profile': 'At most 128 characters.',
  expiryDays: 'A whole number of days from 1 to 3650, or choose “never”.',
  secretAccessKey: 'At most 512 characters.',
};

function validate(draft: TargetDraft, id: string) {
  const profile = draft.profile.trim();
  const candidate = {
    target: {
      id,
      name: draft.name.trim(),
      endpoint: draft.endpoint.trim(),
      // Empty means "the default": the schema fills in us-east-1.
      region: draft.region.trim() || undefined,
      bucket: draft.bucket.trim(),
      keyPrefix: draft.keyPrefix,
      pathStyle: draft.pathStyle,
      credentials:
        draft.credentialsKind === 'keys'
          ? { kind: 'keys' as const, accessKeyId: draft.accessKeyId.trim() }
          : profile
            ? { kind: 'chain' as const, profile }
            : { kind: 'chain' as const },
      expiryDays: draft.expiryNever ? null : parseNumber(draft.expiryDays),
      allowInsecureHttp: draft.allowInsecureHttp,
    },
    ...(draft.credentialsKind === 'keys' && draft.secret ? { secretAccessKey: draft.secret } : {}),
  };
  const parsed = requests['targets.save'].input.safeParse(candidate);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, { stripPrefix: 'target.', messages: MESSAGES });
  // Access keys without a secret cannot sign anything; an edit may keep the stored one.
  if (draft.credentialsKind === 'keys' && !draft.secret && !draft.hasSecret) errors.secretAccessKey = 'Enter the secret access key.';
  return Object.keys(errors).length === 0 && parsed.success ? { ok: true as const, value: parsed.data } : { ok: false as const, errors };
}

interface TargetFormProps {
  /** The target to edit, or null to add one. The panel remounts the form (key) when this changes. */
  editing: TargetView | null;
  appInfo: AppInfo | null;
  onSaved: (saved: TargetView) => void;
  onCancel: () => void;
}

export function TargetForm({ editing, appInfo, onSaved, onCancel }: TargetFormProps) {
  const actions = useActions();
  const [draft, setDraft] = useState<TargetDraft>(() => draftFrom(editing ?? undefined));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const keysUnavailable = appInfo?.secretStorage === 'unavailable';

  const update = (patch: Partial<TargetDraft>) => setDraft((previous) => ({ ...previous, ...patch }));

  async function save() {
    const result = validate(draft, draft.id ?? newTargetId());
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    const saved = await actions.saveTarget(result.value.target, result.value.secretAccessKey);
    setSaving(false);
    // On failure the notice says why and the draft stays for another try; on
    // success the panel remounts an empty form, which also drops the typed secret.
    if (saved) onSaved(saved);
  }

  return (
    <form
      className="target-form"
      data-testid="target-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h3 className="panel__subtitle">{draft.id ? `Edit “${editing?.name ?? draft.name}”` : 'Add a target'}</h3>
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

      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="target-save" disabled={saving}>
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

interface CredentialsFieldsProps {
  draft: TargetDraft;
  errors: FieldErrors;
  update: (patch: Partial<TargetDraft>) => void;
  keysUnavailable: boolean;
}

function CredentialsFields({ draft, errors, update, keysUnavailable }: CredentialsFieldsProps) {
  return (
    <fieldset className="fieldset">
      <legend>Credentials</legend>
      <label className="check">
        <input
          type="radio"
          name="credentials-kind"
          data-testid="target-cred-chain"
          checked={draft.credentialsKind === 'chain'}
          onChange={() => update({ credentialsKind: 'chain' })}
        />
        AWS profile / environment
      </label>
      {draft.credentialsKind === 'chain' && (
        <FormField label="Profile (optional)" error={errors['credentials.profile']} hint="Empty: the default chain (environment variables, default profile, SSO…)">
          <input type="text" data-testid="target-profile" value={draft.profile} onChange={(e) => update({ profile: e.target.value })} />
        </FormField>
      )}
      <label className={keysUnavailable ? 'check check--disabled' : 'check'}>
        <input
          type="radio"
          name="credentials-kind"
          data-testid="target-cred-keys"
          disabled={keysUnavailable}
          checked={draft.credentialsKind === 'keys'}
          onChange={() => update({ credentialsKind: 'keys' })}
        />
        Access keys
      </label>
      {keysUnavailable && (
        <p className="field__hint" data-testid="keys-unavailable">
          This system offers no encrypted storage for secrets, so Hoist will not keep access keys. Use an AWS profile or environment variables instead.
        </p>
      )}
      {draft.credentialsKind === 'keys' && (
        <>
          <FormField label="Access key ID" error={errors['credentials.accessKeyId']}>
            <input
              type="text"
              data-testid="target-access-key-id"
              spellCheck={false}
              autoComplete="off"
              value={draft.accessKeyId}
              onChange={(e) => update({ accessKeyId: e.target.value })}
            />
          </FormField>
          <FormField
            label="Secret access key"
            error={errors.secretAccessKey}
            hint={
              draft.hasSecret ? (
                <span data-testid="secret-stored">Secret stored. Leave empty to keep it, or type a new one to replace it.</span>
              ) : (
                'Stored encrypted by the operating system; never shown again.'
              )
            }
          >
            <input
              type="password"
              data-testid="target-secret"
              autoComplete="new-password"
              value={draft.secret}
              onChange={(e) => update({ secret: e.target.value })}
            />
          </FormField>
        </>
      )}
    </fieldset>
  );
}
