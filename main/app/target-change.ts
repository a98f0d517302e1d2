import type { Target } from '../../shared/ipc-contract.ts';

/**
 * What a save changes about where a target's requests go and what signs them:
 * the endpoint (and whether plain http:// is allowed to it), the region, the
 * addressing style, the credentials. A window that is not what it seems (a
 * compromised renderer, someone at an open headless page) could otherwise
 * quietly point an existing target, and the uploads queued on it, at another
 * server or account; so such a change needs the user's say in main first.
 * Name, bucket, key prefix and expiry need no confirmation.
 */
export interface TargetChange {
  targetId: string;
  targetName: string;
  lines: ReadonlyArray<{ what: string; from: string; to: string }>;
  /** The question put to the user, e.g. 'Change the endpoint of "NAS" from A to B?'. */
  question: string;
}

const endpointText = (endpoint: string) => endpoint || 'AWS S3';

function credentialsText(credentials: Target['credentials']): string {
  if (credentials.kind === 'keys') return `access key ${credentials.accessKeyId}`;
  return credentials.profile ? `AWS profile ${credentials.profile}` : 'the default AWS credentials';
}

/** The changes that need confirmation, or undefined when there are none (or the target is new). */
export function targetChangeOf(before: Target | undefined, after: Target): TargetChange | undefined {
  if (!before) return undefined;
  const lines: Array<{ what: string; from: string; to: string }> = [];
  const compare = (what: string, from: string, to: string) => {
    if (from !== to) lines.push({ what, from, to });
  };
  compare('the endpoint', endpointText(before.endpoint), endpointText(after.endpoint));
  compare('plain http://', before.allowInsecureHttp ? 'allowed' : 'not allowed', after.allowInsecureHttp ? 'allowed' : 'not allowed');
  compare('the region', before.region, after.region);
  compare('the addressing', before.pathStyle ? 'path-style' : 'virtual-hosted', after.pathStyle ? 'path-style' : 'virtual-hosted');
  compare('the credentials', credentialsText(before.credentials), credentialsText(after.credentials));
  if (lines.length === 0) return undefined;
  const name = JSON.stringify(before.name);
  const question =
    lines.length === 1
      ? `Change ${lines[0]!.what} of ${name} from ${lines[0]!.from} to ${lines[0]!.to}?`
      : `Change target ${name}: ${lines.map((line) => `${line.what} from ${line.from} to ${line.to}`).join('; ')}?`;
  return { targetId: after.id, targetName: before.name, lines, question };
}

/**
 * What a confirmation code is bound to: the target as it was and the whole
 * target as it will be saved. A code given for one change says nothing about
 * any other (another endpoint, another target, an edit made meanwhile).
 */
export function changeBinding(before: Target, after: Target): string {
  return canonicalJson([before, after]);
}

/** JSON with object keys sorted, so the same target always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
