// Runs the real headless app (dist/headless/hoist-headless.mjs, built by the
// global setup) as a child process, the way a person runs `npm start`, and talks
// to its API the way the page does.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope, RequestInput, RequestName, RequestOutput, Settings, Target, TargetView } from '../../../shared/ipc-contract.ts';
import { cliEnv } from '../../support/cli-runner.ts';
import type { S3TestConfig } from '../../support/s3-test-config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HEADLESS_BUNDLE = join(root, 'dist', 'headless', 'hoist-headless.mjs');
const URL_LINE = /^Hoist is running at (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))$/m;

export interface HeadlessApp {
  /** The URL to open, with #token=… */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  token: string;
  stateDir: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout, then stderr), for failure reports. */
  output(): string;
  /** How the process ended when no test asked it to (a crash), else undefined. */
  unexpectedExit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Sends the signal and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** POST /api/invoke/<name> as the page does; throws on an error envelope. */
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  /** The raw answer: status and body, nothing thrown. */
  invokeRaw(name: string, input: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Envelope<unknown> }>;
}

export interface StartOptions {
  config: S3TestConfig;
  stateDir: string;
  /** Extra environment, e.g. HOIST_CRASH_AT. */
  env?: NodeJS.ProcessEnv;
  /** The port to ask for (default 0: any free one, so tests never fight over a port). */
  port?: number;
  /** More command-line arguments, e.g. --new-token. */
  args?: readonly string[];
  timeoutMs?: number;
}

export async function startHeadlessApp(options: StartOptions): Promise<HeadlessApp> {
  const { config, stateDir } = options;
  const child = spawn(process.execPath, [HEADLESS_BUNDLE, '--port', String(options.port ?? 0), '--state-dir', stateDir, '--no-open', ...(options.args ?? [])], {
    env: cliEnv(config, stateDir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  let killedByTest = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((result) => {
    hasExited = true;
    exit = result;
  });
  const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the headless app printed no URL within ${options.timeoutMs ?? 30_000} ms\n${output()}`));
    }, options.timeoutMs ?? 30_000);
    const check = () => {
      const found = stdout.match(URL_LINE);
      if (found) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(found);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the headless app exited (${code ?? signal}) before printing its URL\n${output()}`));
    });
  });
  const [, url, port, token] = match as unknown as [string, string, string, string];
  const origin = `http://127.0.0.1:${port}`;

  const invokeRaw = async (name: string, input: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${origin}/api/invoke/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hoist-token': token, origin, ...headers },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as Envelope<unknown> };
  };

  return {
    url,
    origin,
    port: Number(port),
    token,
    stateDir,
    child,
    output,
    invokeRaw,
    async invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
      const { status, body } = await invokeRaw(name, input);
      if (!body.ok) throw new Error(`${name} failed (HTTP ${status}): ${body.error.code}: ${body.error.message}`);
      return body.value as RequestOutput<N>;
    },
    unexpectedExit: () => (killedByTest ? undefined : exit),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!hasExited) {
        killedByTest = true;
        child.kill(signal);
      }
      return exited;
    },
  };
}

/** A target for the test bucket on the test server, with credentials from the AWS chain (the env the app was started with). */
export function testTarget(config: S3TestConfig, bucket: string, overrides: Partial<Target> = {}): Target {
  return {
    id: 'rgw',
    name: 'Test RGW',
    endpoint: config.endpoint ?? '',
    region: config.region,
    bucket,
    keyPrefix: '',
    pathStyle: config.pathStyle,
    credentials: { kind: 'chain' },
    expiryDays: 7,
    allowInsecureHttp: false,
    ...overrides,
  };
}

/** Creates (or replaces) a target through POST /api/invoke/targets.save, with the token. */
export function saveTarget(app: HeadlessApp, target: Target): Promise<TargetView> {
  return app.invoke('targets.save', { target });
}

export function saveSettings(app: HeadlessApp, patch: Partial<Settings>): Promise<Settings> {
  return app.invoke('settings.set', patch);
}
