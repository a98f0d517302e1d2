// The clients compared, each uploading the same file with 8 MiB parts and 4
// in flight (or as close as the tool allows). Each one gets a private config
// (never the user's ~/.aws, ~/.config/rclone or ~/.s3cfg) and a clean
// environment, so nothing outside the benchmark changes what it measures.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const MiB = 1024 * 1024;

/** process.env without anything that would steer a client elsewhere (AWS_CA_BUNDLE breaks rclone here). */
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(AWS_|RCLONE_|S3CMD_)/.test(name)) delete env[name];
  return { ...env, ...extra };
}

function firstLine(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: cleanEnv({}) });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '';
}

const hostOf = (endpoint) => new URL(endpoint).host;

/**
 * Hoist's CLI with the benchmark's part size, concurrency and server: `args`
 * is the command (upload …, resume), `endpoint` another way to the server (the
 * counting proxy), `nodeArgs` options for Node itself (a CPU profile).
 */
export function hoistInvocation(ctx, args, { stateDir, endpoint = ctx.server.endpoint, nodeArgs = [], partSize = ctx.partSize }) {
  return {
    command: process.execPath,
    args: [
      ...nodeArgs,
      join(ctx.root, 'dist', 'cli', 'hoist.mjs'),
      ...args,
      '--endpoint',
      endpoint,
      '--region',
      ctx.server.region,
      '--path-style',
      '--part-size',
      `${partSize / MiB}MiB`,
      '--concurrency',
      String(ctx.concurrency),
      '--state-dir',
      stateDir,
    ],
    env: cleanEnv({ AWS_ACCESS_KEY_ID: ctx.server.accessKeyId, AWS_SECRET_ACCESS_KEY: ctx.server.secretAccessKey }),
  };
}

/**
 * Each client: id, label, whether it is installed (and how to get it), its version, and
 * prepare(ctx) → (key, run) → { command, args, env } for one upload of ctx.file to key.
 */
/** What both Hoist rows share: the built CLI. */
const hoistBuild = {
  installed: (ctx) => existsSync(join(ctx.root, 'dist', 'cli', 'hoist.mjs')),
  install: 'npm run build',
  version: (ctx) => `hoist ${ctx.hoistVersion}`,
};

export const clients = [
  {
    id: 'hoist',
    label: 'Hoist CLI',
    ...hoistBuild,
    // One state database for every run, as a user has: the first upload to a bucket probes what the server
    // verifies (a fraction of a second, once per endpoint and bucket); the warm-up run pays that, off the clock.
    // The probe's cost is measured on its own, as the "first upload" row.
    prepare: (ctx) => {
      const stateDir = join(ctx.workDir, 'hoist-state');
      return (key) => hoistInvocation(ctx, ['upload', ctx.file, `s3://${ctx.bucket}/${key}`], { stateDir });
    },
    warmUp: true,
  },
  {
    id: 'hoist-first',
    label: 'Hoist CLI, first upload to a bucket',
    reference: true,
    ...hoistBuild,
    // A fresh state database every run: each upload is the first to this bucket and probes the server first.
    prepare: (ctx) => (key, run) => hoistInvocation(ctx, ['upload', ctx.file, `s3://${ctx.bucket}/${key}`], { stateDir: join(ctx.workDir, `hoist-first-${run}`) }),
  },
  {
    id: 'aws-cli',
    label: 'aws-cli',
    // Debian's aws-cli 2 specifically: a pyenv aws 1.x may come first on PATH.
    installed: () => existsSync('/usr/bin/aws'),
    install: 'apt-get install -y awscli',
    version: () => firstLine('/usr/bin/aws', ['--version']).split(' ')[0],
    prepare: (ctx) => {
      const dir = join(ctx.workDir, 'aws');
      mkdirSync(dir, { recursive: true });
      const env = cleanEnv({
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_ACCESS_KEY_ID: ctx.server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ctx.server.secretAccessKey,
        AWS_DEFAULT_REGION: ctx.server.region,
      });
      writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '');
      for (const [name, value] of [
        ['default.s3.multipart_chunksize', `${ctx.partSize / MiB}MB`],
        ['default.s3.max_concurrent_requests', String(ctx.concurrency)],
        ['default.s3.addressing_style', 'path'],
      ]) {
        const result = spawnSync('/usr/bin/aws', ['configure', 'set', name, value], { env });
        if (result.status !== 0) throw new Error(`aws configure set ${name} failed`);
      }
      return (key) => ({
        command: '/usr/bin/aws',
        args: ['s3', 'cp', '--only-show-errors', '--endpoint-url', ctx.server.endpoint, ctx.file, `s3://${ctx.bucket}/${key}`],
        env,
      });
    },
  },
  {
    id: 'rclone',
    label: 'rclone',
    installed: () => existsSync('/usr/bin/rclone'),
    install: 'apt-get install -y rclone',
    version: () => firstLine('/usr/bin/rclone', ['version']),
    prepare: (ctx) => {
      const env = cleanEnv({
        RCLONE_CONFIG: join(ctx.workDir, 'rclone.conf'), // empty: the remote is defined by the variables below
        RCLONE_CONFIG_BENCH_TYPE: 's3',
        RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: ctx.server.accessKeyId,
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: ctx.server.secretAccessKey,
        RCLONE_CONFIG_BENCH_ENDPOINT: ctx.server.endpoint,
        RCLONE_CONFIG_BENCH_REGION: ctx.server.region,
        RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
      });
      writeFileSync(env.RCLONE_CONFIG, '');
      return (key) => ({
        command: '/usr/bin/rclone',
        args: [
          'copyto',
          ctx.file,
          `bench:${ctx.bucket}/${key}`,
          '--s3-chunk-size',
          `${ctx.partSize / MiB}Mi`,
          '--s3-upload-concurrency',
          String(ctx.concurrency),
          '--s3-no-check-bucket',
        ],
        env,
      });
    },
  },
  {
    id: 's3cmd',
    label: 's3cmd',
    installed: () => existsSync('/usr/bin/s3cmd'),
    install: 'apt-get install -y s3cmd',
    version: () => firstLine('/usr/bin/s3cmd', ['--version']),
    prepare: (ctx) => {
      const config = join(ctx.workDir, 's3cmd.cfg');
      const host = hostOf(ctx.server.endpoint);
      writeFileSync(
        config,
        [
          '[default]',
          `access_key = ${ctx.server.accessKeyId}`,
          `secret_key = ${ctx.server.secretAccessKey}`,
          `host_base = ${host}`,
          `host_bucket = ${host}`,
          `bucket_location = ${ctx.server.region}`,
          'use_https = False',
          'signature_v2 = False',
          '',
        ].join('\n'),
      );
      // s3cmd sends one part at a time: it has no concurrency setting.
      return (key) => ({
        command: '/usr/bin/s3cmd',
        args: ['-c', config, '--no-progress', `--multipart-chunk-size-mb=${ctx.partSize / MiB}`, 'put', ctx.file, `s3://${ctx.bucket}/${key}`],
        env: cleanEnv({ HOME: ctx.workDir }),
      });
    },
  },
  sdkClient('lib-storage', '@aws-sdk/lib-storage', 'npm install -D @aws-sdk/lib-storage'),
  sdkClient('bare-loop', 'bare UploadPart loop', 'npm ci'),
  // Not a target's yardstick: the same loop doing the one piece of work every Hoist part must do (read it,
  // MD5 it, send it with Content-MD5), still with no state. The ceiling for that work on this machine.
  { ...sdkClient('bare-loop-md5', 'bare UploadPart loop + Content-MD5', 'npm ci'), reference: true },
];

function sdkClient(id, label, install) {
  const require = createRequire(import.meta.url);
  const packageVersion = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return undefined;
    }
  };
  return {
    id,
    label,
    installed: () => packageVersion(id === 'lib-storage' ? '@aws-sdk/lib-storage' : '@aws-sdk/client-s3') !== undefined,
    install,
    version: () =>
      id === 'lib-storage' ? `@aws-sdk/lib-storage ${packageVersion('@aws-sdk/lib-storage')}` : `@aws-sdk/client-s3 ${packageVersion('@aws-sdk/client-s3')}`,
    prepare: (ctx) => (key) => ({
      command: process.execPath,
      args: [join(ctx.root, 'bench', 's3', 'sdk-client.mjs'), id, ctx.file, ctx.bucket, key, String(ctx.partSize), String(ctx.concurrency)],
      env: cleanEnv({
        AWS_ACCESS_KEY_ID: ctx.server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ctx.server.secretAccessKey,
        AWS_REGION: ctx.server.region,
        AWS_ENDPOINT_URL: ctx.server.endpoint,
      }),
    }),
  };
}
