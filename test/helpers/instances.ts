import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, RequestResult, ToWorker, WorkerConfig } from './refresh-worker.js';

export type { RequestResult, WorkerConfig } from './refresh-worker.js';

const WORKER = fileURLToPath(new URL('./refresh-worker.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('./ts-register.mjs', import.meta.url));

/** One app instance in its own OS process (test/helpers/refresh-worker.ts). */
export interface Instance {
  pid: number;
  child: ChildProcess;
  /** `count` concurrent requests carrying `cookie`, each resolved as a route that may write cookies. */
  storm(cookie: string, count: number): Promise<RequestResult[]>;
  /** Every store call this instance completed, in order. */
  storeCalls: Array<{ op: string; outcome: string }>;
  /** Called on each completed store call. */
  onStore?: (call: { op: string; outcome: string }, instance: Instance) => void;
  /** SIGKILL: the process dies mid-whatever; its pending storm never answers. */
  kill(): void;
  stop(): Promise<void>;
}

export async function startInstances(count: number, config: WorkerConfig): Promise<Instance[]> {
  // The first one alone: it fills the transpile cache (ts-hooks.mjs) that the others then read.
  const first = await startInstance(config);
  return [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => startInstance(config))))];
}

function startInstance(config: WorkerConfig): Promise<Instance> {
  const child = fork(WORKER, [JSON.stringify(config)], { execArgv: ['--import', REGISTER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (results: RequestResult[]) => void>();
  let nextId = 0;
  return new Promise((resolve, reject) => {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code, signal) => reject(new Error(`instance exited before it was ready (${code ?? signal})`)));
    const instance: Instance = {
      pid: child.pid!,
      child,
      storeCalls: [],
      storm(cookie, n) {
        const id = nextId++;
        return new Promise((done) => {
          pending.set(id, done);
          child.send({ type: 'storm', id, cookie, count: n } satisfies ToWorker);
        });
      },
      kill() {
        child.kill('SIGKILL');
      },
      async stop() {
        // Nothing in a worker needs a graceful end (its Redis connection dies with it); on a busy
        // machine a kill is also the quickest.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(instance);
      else if (message.type === 'store') {
        const call = { op: message.op, outcome: message.outcome };
        instance.storeCalls.push(call);
        instance.onStore?.(call, instance);
      } else if (message.type === 'result') {
        pending.get(message.id)?.(message.results);
        pending.delete(message.id);
      }
    });
  });
}

/** `total` requests with one cookie, spread evenly over the instances, all at once. */
export async function storm(instances: Instance[], cookie: string, total: number): Promise<RequestResult[]> {
  const each = Math.floor(total / instances.length);
  const counts = instances.map((_, i) => each + (i < total % instances.length ? 1 : 0));
  return (await Promise.all(instances.map((instance, i) => instance.storm(cookie, counts[i]!)))).flat();
}

/** The numbers the tests assert: who was signed in, how many cookies were deleted, how many new sessions. */
export function summarize(results: RequestResult[]) {
  return {
    requests: results.length,
    signedIn: results.filter((r) => r.signedIn).length,
    deleted: results.filter((r) => r.deleted).length,
    newSessions: new Set(results.flatMap((r) => (r.seal ? [r.seal] : []))).size,
    slowestMs: Math.round(Math.max(...results.map((r) => r.ms))),
  };
}
