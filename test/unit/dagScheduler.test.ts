/** The saga's one scheduler, driven outside a workflow: each task ends when the test says so. */
import { runDag, type DagRun, type DagTask } from '../../workflows/run/dagScheduler';
import type { Wakeup } from '../../workflows/run/wakeup';

/** A Wakeup for plain Node: next() resolves on the next poke. */
class TestWakeup implements Pick<Wakeup, 'poke' | 'next'> {
  private waiters: (() => void)[] = [];
  poke(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Tasks whose runs the test ends one by one; records the order they started in. */
class HeldTasks {
  readonly started: string[] = [];
  private readonly endings = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  run = (name: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.started.push(name);
      this.endings.set(name, { resolve, reject });
    });
  running(): string[] {
    return [...this.endings.keys()];
  }
  async succeed(name: string): Promise<void> {
    this.take(name).resolve();
    await settle();
  }
  async fail(name: string): Promise<void> {
    this.take(name).reject(new Error(`${name} failed`));
    await settle();
  }
  private take(name: string) {
    const ending = this.endings.get(name);
    if (!ending) throw new Error(`${name} is not running (running: ${this.running().join(', ')})`);
    this.endings.delete(name);
    return ending;
  }
}

const settle = () => new Promise((r) => setImmediate(r));
const chain = (...names: string[]): DagTask[] => names.map((name, i) => ({ name, after: i === 0 ? [] : [names[i - 1]!] }));

function start(tasks: DagTask[], extra: Partial<DagRun> = {}) {
  const held = new HeldTasks();
  const wakeup = new TestWakeup();
  const outcome = runDag({ tasks, maxParallel: 10, run: held.run, waitFor: 'succeeded', wakeup: wakeup as unknown as Wakeup, ...extra });
  return { held, wakeup, outcome };
}

test('a task starts as soon as what it waits for succeeded; independent tasks start together, in priority order', async () => {
  const { held, outcome } = start([
    { name: 'db', after: [] },
    { name: 'payments', after: ['db'] },
    { name: 'orders', after: ['payments'] },
    { name: 'notifications', after: [] },
  ]);
  await settle();
  expect(held.started).toEqual(['db', 'notifications']);
  await held.succeed('db');
  expect(held.started).toEqual(['db', 'notifications', 'payments']);
  await held.succeed('payments');
  await held.succeed('notifications');
  await held.succeed('orders');
  const done = await outcome;
  expect([...done.succeeded].sort()).toEqual(['db', 'notifications', 'orders', 'payments']);
});

test('never more than maxParallel at once; the next starts when one ends', async () => {
  const tasks = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, after: [] }));
  const { held, outcome } = start(tasks, { maxParallel: 2 });
  await settle();
  expect(held.running()).toEqual(['a', 'b']);
  await held.succeed('b');
  expect(held.running()).toEqual(['a', 'c']);
  await held.succeed('a');
  await held.succeed('c');
  expect(held.running()).toEqual(['d', 'e']);
  await held.succeed('d');
  await held.succeed('e');
  expect((await outcome).succeeded.size).toBe(5);
});

test('stopped: nothing new starts, what runs settles, then it returns; dependents of a failed task never start', async () => {
  let stopped = false;
  const { held, outcome } = start([...chain('a', 'b'), { name: 'x', after: [] }], { stopped: () => stopped });
  await settle();
  stopped = true; // the saga's fail() does this before the task's promise rejects
  await held.fail('a');
  expect(held.running()).toEqual(['x']);
  await held.succeed('x');
  const done = await outcome;
  expect(held.started).toEqual(['a', 'x']);
  expect([...done.failed]).toEqual(['a']);
  expect(done.started.has('b')).toBe(false);
});

test('held (paused): nothing starts until released and poked; what runs keeps running', async () => {
  let held = true;
  const run = start(chain('a', 'b'), { held: () => held });
  await settle();
  expect(run.held.started).toEqual([]);
  held = false;
  run.wakeup.poke();
  await settle();
  expect(run.held.started).toEqual(['a']);
  held = true;
  await run.held.succeed('a');
  expect(run.held.started).toEqual(['a']);
  held = false;
  run.wakeup.poke();
  await settle();
  await run.held.succeed('b');
  expect((await run.outcome).succeeded.size).toBe(2);
});

test('mayStart (a gate): a ready task waits for permission, then starts when poked', async () => {
  let approved = false;
  const asked: string[] = [];
  const run = start(chain('a', 'b'), {
    mayStart: (name) => {
      asked.push(name);
      return name !== 'b' || approved;
    },
  });
  await settle();
  await run.held.succeed('a');
  expect(run.held.started).toEqual(['a']);
  expect(asked).toContain('b');
  approved = true;
  run.wakeup.poke();
  await settle();
  await run.held.succeed('b');
  expect(run.held.started).toEqual(['a', 'b']);
  await run.outcome;
});

test('waitFor settled (compensations): a task starts once what it waits for ended, even when that failed', async () => {
  // unwind order of a -> b -> c: c first, then b, then a; b's compensation fails, a's still runs
  const { held, outcome } = start(
    [
      { name: 'c', after: [] },
      { name: 'b', after: ['c'] },
      { name: 'a', after: ['b'] },
    ],
    { waitFor: 'settled' },
  );
  await settle();
  await held.succeed('c');
  await held.fail('b');
  await held.succeed('a');
  const done = await outcome;
  expect(held.started).toEqual(['c', 'b', 'a']);
  expect([...done.failed]).toEqual(['b']);
});

test('a dependency outside the task list does not hold a task back; an empty list returns at once', async () => {
  const { held, outcome } = start([{ name: 'b', after: ['not-in-this-run'] }]);
  await settle();
  await held.succeed('b');
  expect((await outcome).succeeded.has('b')).toBe(true);
  await expect(start([]).outcome).resolves.toMatchObject({ started: new Set() });
});

test('inOrder (compensations, newest first): an independent task does not overtake one that waits', async () => {
  // unwind order orders, payments (waits for orders), notifications (independent), db (waits for payments)
  const { held, outcome } = start(
    [
      { name: 'orders', after: [] },
      { name: 'payments', after: ['orders'] },
      { name: 'notifications', after: [] },
      { name: 'db', after: ['payments'] },
    ],
    { waitFor: 'settled', inOrder: true },
  );
  await settle();
  expect(held.started).toEqual(['orders']);
  await held.succeed('orders');
  expect(held.started).toEqual(['orders', 'payments', 'notifications']);
  await held.succeed('notifications');
  await held.succeed('payments');
  await held.succeed('db');
  expect(held.started).toEqual(['orders', 'payments', 'notifications', 'db']);
  await outcome;
});
