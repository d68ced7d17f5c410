import { fork } from 'node:child_process';

/**
 * Work the bench keeps out of the process under test: the load generator (an event loop and a
 * core of its own, as a real client has) and the workbook chores (their memory is not the
 * import's, so the API process's peak RSS is the import's own). Children talk over IPC.
 */

type ChildMessage<T> = { outcome: T } | { error: string } | { progress: string };

/**
 * Forks `script` (a compiled module calling `childMain`), sends it `input` and resolves with its
 * outcome. The child is killed if it overruns `limitMs`; it exits by itself otherwise.
 */
export function runChild<T>(
  script: string,
  input: unknown,
  limitMs: number,
  onProgress: (message: string) => void = () => undefined,
): Promise<T> {
  const child = fork(script, [], { serialization: 'advanced', stdio: 'inherit' });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`${script} did not finish within ${limitMs} ms`))),
      limitMs,
    );
    child.on('message', (msg: ChildMessage<T>) => {
      if ('progress' in msg) onProgress(msg.progress);
      else if ('outcome' in msg) settle(() => resolve(msg.outcome));
      else settle(() => reject(new Error(msg.error)));
    });
    child.once('error', (err) => settle(() => reject(err)));
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(new Error(`${script} exited (${signal ?? `code ${code}`}) before reporting`)),
      ),
    );
    child.send(input as object);
  });
}

/** The child side: takes one input, runs `work` on it, reports, and exits. */
export function childMain<I, O>(
  work: (input: I, progress: (message: string) => void) => Promise<O>,
): void {
  const send = (msg: ChildMessage<O>) =>
    new Promise<void>((resolve) => process.send!(msg, () => resolve()));
  // An orphaned child (the bench was killed) stops instead of running on.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (input: I) => {
    work(input, (message) => void send({ progress: message }))
      .then(
        (outcome) => send({ outcome }),
        (err: unknown) =>
          send({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      )
      .finally(() => process.exit(0));
  });
}
