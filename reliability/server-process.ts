/**
 * The local server (`npm start`, local/main.ts) as a child process the reliability tools can
 * kill with SIGKILL, restart on the same DATA_DIR and measure (RSS from /proc). Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Starting the server loads every handler lazily, so this is module loading plus opening LevelDB. */
export const SERVER_START_TIMEOUT_MS = 120_000;
const READY_PATTERN = /\[local\] API on (http:\/\/127\.0\.0\.1:\d+)/;

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident set size of the server process in bytes (Linux /proc), or undefined elsewhere. */
  rssBytes(): number | undefined;
  /** `kill -9`: no shutdown hook runs, LevelDB is not closed. */
  kill(): Promise<void>;
  /** SIGTERM: the server closes its HTTP side and the store, then exits. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly dataDir: string;
  /** 0 (the default) lets the server pick a free port. */
  readonly port?: number;
}

export async function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'local', 'main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      DATA_DIR: options.dataDir,
      SEED_DEMO: '0',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const url = await waitForReady(child, exited, () => stderr);
  const pid = child.pid!;
  return {
    url,
    pid,
    rssBytes: () => rssOf(pid),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function waitForReady(child: ChildProcess, exited: Promise<void>, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local server did not start within ${SERVER_START_TIMEOUT_MS} ms:\n${stderr()}`));
    }, SERVER_START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = READY_PATTERN.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(match[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the local server exited before it was ready:\n${stderr()}`));
    });
  });
}

function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
