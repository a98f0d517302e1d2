import { z } from 'zod';
import { isRequestName, requests } from '../../shared/ipc-contract.ts';
import type { ConfirmationRequest, Envelope, ErrorCode, RequestInput, RequestName, RequestOutput } from '../../shared/ipc-contract.ts';

export type RequestHandlers = { [N in RequestName]: (input: z.output<(typeof requests)[N]['input']>) => Promise<RequestOutput<N>> };

/** A failure the handler means to show the user as it is. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Refused until the user agrees to the question; the request is sent again with the code. */
export class ConfirmationRequiredError extends UserFacingError {
  override name = 'ConfirmationRequiredError';
  constructor(readonly confirm: ConfirmationRequest) {
    super('confirm-required', confirm.question);
  }
}

/**
 * The one way into the app from any transport (Electron IPC, the headless
 * web bridge): the channel must exist, the payload must match its schema, and
 * whatever goes wrong comes back as a typed error, never a crash or a stack.
 */
export async function dispatchRequest(handlers: RequestHandlers, name: unknown, payload: unknown, log?: (message: string) => void): Promise<Envelope<unknown>> {
  if (!isRequestName(name)) return { ok: false, error: { code: 'unknown-channel', message: `unknown request "${String(name)}"` } };
  const parsed = requests[name].input.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid-payload', message: `invalid ${name} request: ${z.prettifyError(parsed.error)}` } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof ConfirmationRequiredError) return { ok: false, error: { code: error.code, message: error.message, confirm: error.confirm } };
    if (error instanceof UserFacingError) return { ok: false, error: { code: error.code, message: error.message } };
    log?.(`${name} failed: ${oneLineError(error)}`);
    return { ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } };
  }
}

export type { RequestInput };

/**
 * An unexpected failure for the log: its message and where it was thrown, on
 * one line (a log is read line by line, and a stack trace says little more to
 * a user attaching it to a bug report than its first frame does).
 */
export function oneLineError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = error.stack?.split('\n').find((line) => /^\s+at /.test(line))?.trim();
  return `${error.message.replace(/\s*\n\s*/g, ' | ')} (${error.name}${frame ? ` ${frame}` : ''})`;
}
