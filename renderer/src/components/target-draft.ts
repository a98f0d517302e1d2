// A target being added or edited, as the form holds it, and its check against
// the contract's schema before it is sent (so a bad bucket name is pointed at
// in the form instead of failing later in main).
import { requests } from '../../../shared/ipc-contract.ts';
import type { TargetView } from '../../../shared/ipc-contract.ts';
import { fieldErrors, parseNumber } from '../lib/field-errors.ts';
import type { FieldErrors } from '../lib/field-errors.ts';

export interface TargetDraft {
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

export function draftFrom(target?: TargetView): TargetDraft {
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
export function newTargetId(): string {
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

export function validate(draft: TargetDraft, id: string) {
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
