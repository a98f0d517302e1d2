// The scale folder added in the headless app, as its UI adds one: "Folders
// as: one object per file" (uploads.add with folderMode "files"), then the
// folder's row in the queue (folders.list, which the UI reads; the
// folders.changed event that pushes it is timed too). The target:
// the add returns within 2 s with the entry visible, however many files the
// folder holds. Only the start is measured: the app is stopped once the
// first file reached the server (the CLI runs measure the whole upload).
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startHeadless } from '../folders/hoist-headless.mjs';
import { hoistInvocation } from '../s3/clients.mjs';
import { nowMs } from './cli-process.mjs';

const WAIT_MS = 60_000;

/** Resolves once check() is true (polled), or throws after WAIT_MS saying `what`. */
async function until(check, what) {
  const deadline = nowMs() + WAIT_MS;
  for (;;) {
    if (await check()) return nowMs();
    if (nowMs() > deadline) throw new Error(`${what} not within ${WAIT_MS / 1000} s`);
    await sleep(10);
  }
}

export async function headlessAdd(env, { dir, plan }) {
  const n = (env.serial += 1);
  const bucket = `fr-${env.runId}-${n}`.toLowerCase();
  await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const stateDir = `${env.ctx.workDir}/state-${n}-headless`;
  // Credentials from the environment, as the README tells headless users to give them.
  const appEnv = hoistInvocation(env.ctx, [], { stateDir }).env;
  const app = await startHeadless({ root: env.ctx.root, stateDir, env: appEnv });
  const { proxy } = env;
  let closeEvents = () => undefined;
  try {
    await app.invoke('settings.set', { concurrency: env.ctx.concurrency, partSizeMiB: env.ctx.partSize / 2 ** 20, notifications: false, bandwidthLimitKiBps: 0 });
    const target = {
      id: 'bench',
      name: 'bench',
      endpoint: proxy.endpoint,
      region: env.ctx.server.region,
      bucket,
      keyPrefix: 'run/',
      pathStyle: true,
      credentials: { kind: 'chain' },
    };
    await app.invoke('targets.save', { target });
    let eventAt = null;
    let firstByteAt = null;
    closeEvents = await app.events((name, payload) => {
      if (name === 'folders.changed' && payload.folders.some((folder) => folder.path === dir)) eventAt ??= nowMs();
    });
    proxy.onPut = (record) => {
      if (record.bucket === bucket) firstByteAt ??= record.at;
    };
    const startedAt = nowMs();
    const added = await app.invoke('uploads.add', { paths: [dir], targetId: target.id, folderMode: 'files' });
    const answeredAt = nowMs();
    if (added.rejected.length > 0) throw new Error(`uploads.add rejected the folder: ${added.rejected[0].reason}`);
    if (added.added[0]?.kind !== 'folder') throw new Error(`uploads.add did not add a folder: ${JSON.stringify(added.added)}`);
    let listed;
    const visibleAt = await until(async () => {
      listed = (await app.invoke('folders.list')).find((folder) => folder.path === dir);
      return listed !== undefined;
    }, 'the folder in folders.list');
    await until(() => firstByteAt !== null, 'a first PUT at the server');
    const seconds = (at) => (at === null ? NaN : (at - startedAt) / 1000);
    const totals = listed.totals;
    return {
      ok: true,
      addSeconds: (answeredAt - startedAt) / 1000,
      visibleSeconds: seconds(visibleAt),
      eventSeconds: seconds(eventAt),
      firstByteSeconds: seconds(firstByteAt),
      // How far the walk had got when the row was first listed (it goes on in the background).
      filesListedAtVisible: Object.values(totals).reduce((sum, count) => sum + count.files, 0),
      stateAtVisible: listed.state,
      files: plan.count,
    };
  } catch (error) {
    return { ok: false, error: `${error.message}\n${app.output().slice(-1500)}` };
  } finally {
    proxy.onPut = null;
    closeEvents();
    await app.stop();
  }
}
