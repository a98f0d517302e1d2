import type { CrashPoint, TestHooks } from '../ports/test-hooks.ts';

/**
 * The engine's side of the test hooks: calls at named points that do nothing
 * unless a host installed hooks (see ../ports/test-hooks.ts). One set per
 * process, installed by the engine from its deps, because the points sit deep
 * in code that runs once per part and should not carry the hooks around.
 */
let installed: TestHooks | undefined;

export function installTestHooks(hooks: TestHooks | undefined): void {
  installed = hooks;
}

export function crashPoint(point: CrashPoint): void {
  installed?.crash(point);
}

export async function holdPoint(point: CrashPoint): Promise<void> {
  await installed?.hold(point);
}
