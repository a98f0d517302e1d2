// The credentials part of the target form: an AWS profile (or the default
// chain), or access keys whose secret is write-only (see target-form.tsx).
import { FormField } from './form-field.tsx';
import type { FieldErrors } from '../lib/field-errors.ts';
import type { TargetDraft } from './target-draft.ts';

interface CredentialsFieldsProps {
  draft: TargetDraft;
  errors: FieldErrors;
  update: (patch: Partial<TargetDraft>) => void;
  keysUnavailable: boolean;
}

export function CredentialsFields({ draft, errors, update, keysUnavailable }: CredentialsFieldsProps) {
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
