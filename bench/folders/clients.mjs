// The three folder uploaders, each with 4 transfers in flight: aws-cli
// (`s3 cp --recursive`), rclone (`copy --transfers 4`) and Hoist. aws-cli's
// and rclone's private configuration comes from bench/s3/clients.mjs (the
// same AWS_CONFIG_FILE settings and RCLONE_CONFIG_* remote as the one-file
// benchmark; only the command differs). Hoist goes through its CLI when the
// CLI sends a folder as one object per file (checked, not assumed), through
// the headless app otherwise.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { clients as fileClients, hoistInvocation } from '../s3/clients.mjs';
import { startHeadless, uploadFolder } from './hoist-headless.mjs';
import { emptyPrefix, listPrefix } from './server.mjs';

const fileClient = (id) => fileClients.find((client) => client.id === id);

/** ctx with the clients' configuration under its own directory, and `endpoint` as the way to the server. */
function clientContext(ctx, endpoint, name) {
  const workDir = join(ctx.workDir, name);
  mkdirSync(workDir, { recursive: true });
  return { ...ctx, workDir, server: { ...ctx.server, endpoint } };
}

/**
 * Each client: id, label, installed/install/version (as in bench/s3/clients.mjs),
 * and prepare(ctx, endpoint) → run({ dir, prefix, plan }) → a measured run
 * ({ ok, exitCode, wallSeconds, cpuSeconds, peakRssBytes, serverCpuSeconds, output, … }).
 */
export function folderClients(modules) {
  const aws = fileClient('aws-cli');
  const rclone = fileClient('rclone');
  return [
    {
      id: 'aws-cli',
      label: 'aws-cli',
      installed: aws.installed,
      install: aws.install,
      version: aws.version,
      how: '`/usr/bin/aws s3 cp --recursive`, `s3.max_concurrent_requests 4`, `s3.multipart_chunksize 8MB` (private `AWS_CONFIG_FILE`)',
      prepare: (ctx, endpoint, name) => {
        const { env } = aws.prepare(clientContext(ctx, endpoint, name))('unused');
        return ({ dir, prefix }) =>
          modules.runMeasured({
            command: '/usr/bin/aws',
            args: ['s3', 'cp', '--recursive', '--only-show-errors', '--endpoint-url', endpoint, dir, `s3://${ctx.bucket}/${prefix}`],
            env,
          });
      },
    },
    {
      id: 'rclone',
      label: 'rclone',
      installed: rclone.installed,
      install: rclone.install,
      version: rclone.version,
      how: '`rclone copy --transfers 4 --checkers 4 --s3-no-check-bucket`, remote from `RCLONE_CONFIG_*` variables (`AWS_CA_BUNDLE` unset)',
      prepare: (ctx, endpoint, name) => {
        const { env } = rclone.prepare(clientContext(ctx, endpoint, name))('unused');
        return ({ dir, prefix }) =>
          modules.runMeasured({
            command: '/usr/bin/rclone',
            args: ['copy', dir, `bench:${ctx.bucket}/${prefix}`, '--transfers', String(ctx.concurrency), '--checkers', String(ctx.concurrency), '--s3-no-check-bucket'],
            env,
          });
      },
    },
    hoistClient(modules),
  ];
}

function hoistClient(modules) {
  const hoist = fileClient('hoist');
  return {
    id: 'hoist',
    label: 'Hoist',
    installed: hoist.installed,
    install: hoist.install,
    version: hoist.version,
    // Set by prepare: how Hoist was driven (the CLI, or the headless app and why).
    how: undefined,
    prepare(ctx, endpoint, name) {
      const own = clientContext(ctx, endpoint, name);
      // One state database per way to the server, kept across runs as a user's is; a warm-up upload
      // (off the clock, in main) makes the capability probe the first upload to a bucket makes.
      const stateDir = join(own.workDir, 'state');
      const env = hoistInvocation(own, [], { stateDir }).env;
      if (ctx.hoistCli.supported) {
        this.how = '`node dist/cli/hoist.mjs upload <dir> s3://bucket/prefix/ --concurrency 4 --part-size 8MiB --path-style`, one `--state-dir` kept across runs (a warm-up upload, off the clock, made the capability probe of the first upload to a bucket)';
        return ({ dir, prefix }) => modules.runMeasured(hoistInvocation(own, ['upload', dir, `s3://${ctx.bucket}/${prefix}`], { stateDir }));
      }
      this.how =
        `the headless app (\`node dist/headless/hoist-headless.mjs --no-open --port 0 --state-dir …\`, started per run under GNU time): ` +
        'settings 4 in flight and 8 MiB parts, a target for the run\'s prefix (path-style, credentials from the environment), ' +
        '`uploads.add` of the folder with `folderMode: "files"`, then the event stream until every upload completed. ' +
        `Wall time: from the add request to the last upload's completedAt. Not the CLI because ${ctx.hoistCli.why}`;
      return async ({ dir, prefix, plan }) => {
        const app = await startHeadless({ root: ctx.root, stateDir, env });
        const serverBefore = modules.serverCpuTicks();
        let timing;
        let error;
        try {
          await app.invoke('settings.set', { concurrency: ctx.concurrency, partSizeMiB: ctx.partSize / 2 ** 20, notifications: false, bandwidthLimitKiBps: 0 });
          const target = { id: 'bench', name: 'bench', endpoint, region: ctx.server.region, bucket: ctx.bucket, keyPrefix: prefix, pathStyle: true, credentials: { kind: 'chain' } };
          // Generous: a tenth of the 100 Mbit/s link's speed, and never under 2 minutes.
          const timeoutMs = Math.max(120_000, (plan.totalBytes / 1.25e6) * 1000);
          timing = await uploadFolder(app, { dir, target, expectedCount: plan.count, timeoutMs });
        } catch (caught) {
          error = caught;
        }
        const serverCpuSeconds = (modules.serverCpuTicks() - serverBefore) / 100;
        const stopped = await app.stop();
        if (error) return { ok: false, exitCode: stopped.exitCode, wallSeconds: NaN, cpuSeconds: stopped.cpuSeconds, peakRssBytes: stopped.peakRssBytes, serverCpuSeconds, output: `${error.message}\n${stopped.output}` };
        return {
          ok: stopped.exitCode === 0,
          exitCode: stopped.exitCode,
          ...timing,
          cpuSeconds: stopped.cpuSeconds,
          peakRssBytes: stopped.peakRssBytes,
          serverCpuSeconds,
          output: stopped.exitCode === 0 ? '' : stopped.output,
        };
      };
    },
  };
}

/**
 * Does `hoist upload <dir> s3://bucket/prefix/` send the folder as one object per file?
 * Tried on a two-file folder: supported only when it exits 0 and both files are under the prefix.
 */
export async function detectHoistCliFolders(ctx, modules, s3, probe) {
  const prefix = 'folders/cli-probe/';
  const run = await modules.runMeasured(hoistInvocation(ctx, ['upload', probe.dir, `s3://${ctx.bucket}/${prefix}`], { stateDir: join(ctx.workDir, 'cli-probe-state') }));
  const listed = await listPrefix(s3, ctx.bucket, prefix);
  await emptyPrefix(s3, ctx.bucket, prefix);
  if (run.ok && listed.count === probe.count && listed.bytes === probe.bytes) return { supported: true, why: '' };
  const said = run.output.trim().split('\n').filter(Boolean).pop() ?? '';
  const why = run.ok
    ? `\`hoist upload <dir> s3://bucket/prefix/\` exited 0 but left ${listed.count} objects (${listed.bytes} bytes) for a ${probe.count}-file folder`
    : `\`hoist upload <dir> s3://bucket/prefix/\` exits ${run.exitCode} (“${said.replace(/\/tmp\/\S+/g, '…')}”)`;
  return { supported: false, why };
}
