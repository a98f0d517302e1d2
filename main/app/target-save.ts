import type { Target, TargetCheck, TargetView } from '../../shared/ipc-contract.ts';
import { ConfirmationCodes } from './confirmation-codes.ts';
import { ConfirmationRequiredError, UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import type { HandlerContext } from './handler-context.ts';
import { changeBinding, targetChangeOf } from './target-change.ts';
import { checkTarget } from './target-check.ts';

type SaveInput = Parameters<RequestHandlers['targets.save']>[0];

/**
 * targets.save: a new target is saved as it is; an existing target's
 * endpoint, region, addressing or credentials change only once the user
 * agreed in main (the host's native dialog, or headless a one-time code the
 * page sends back after showing main's question). Nothing is written before.
 */
export function createTargetSave(app: HandlerContext, codes = new ConfirmationCodes()) {
  const { host, config, engine } = app.deps;

  async function confirmed(before: Target, target: Target, confirmation: string | undefined): Promise<void> {
    const change = targetChangeOf(before, target);
    if (!change) return;
    if (host.confirmTargetChange) {
      if (!(await host.confirmTargetChange(change))) {
        throw new UserFacingError('failed', `not saved: the change to ${JSON.stringify(change.targetName)} was not confirmed`);
      }
      // The dialog waited on the user: an edit saved meanwhile is not what they agreed to change.
      if (changeBinding(before, target) !== changeBinding(app.target(target.id) ?? before, target)) {
        throw new UserFacingError('failed', `not saved: ${JSON.stringify(change.targetName)} was changed meanwhile; edit it again`);
      }
      return;
    }
    const binding = changeBinding(before, target);
    if (confirmation !== undefined && codes.take(confirmation, binding)) return;
    throw new ConfirmationRequiredError({ code: codes.issue(binding), question: change.question });
  }

  return async ({ target, secretAccessKey, confirmation }: SaveInput): Promise<TargetView & { check: TargetCheck }> => {
    if (secretAccessKey !== undefined) {
      if (target.credentials.kind !== 'keys') throw new UserFacingError('invalid-payload', 'a secret key goes with access-key credentials only');
      if (host.secrets.kind === 'unavailable') {
        throw new UserFacingError('unsupported', 'secret keys cannot be stored encrypted here; use an AWS profile or environment variables');
      }
    }
    const before = app.target(target.id);
    if (before) await confirmed(before, target, confirmation);

    // A stored secret belongs to the endpoint it was typed for: sent to another server, it would sign requests there.
    const moved = before !== undefined && before.endpoint !== target.endpoint;
    if (secretAccessKey !== undefined) host.secrets.set(target.id, secretAccessKey);
    else if (target.credentials.kind !== 'keys' || moved) host.secrets.delete(target.id);
    config.saveTarget(target.id, target);
    engine.targetsChanged();
    // Saved first, checked after: someone offline can still save, and the check uses what was saved (the new secret too).
    const objects = engine.objectStoreFor({ ...app.targetConfig(target), targetId: target.id });
    const check = await checkTarget(objects, { bucket: target.bucket, keyPrefix: target.keyPrefix, host: hostOf(target.endpoint) });
    return { ...app.targetView(target), check };
  };
}

/** How a target's server is named in a check's message. */
function hostOf(endpoint: string): string {
  if (!endpoint) return 'AWS S3';
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
