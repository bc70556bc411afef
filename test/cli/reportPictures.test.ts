/**
 * The pictures of a release through the real CLI, a real worker process and the real server: a
 * release whose probe fails rolls back; `report --format md` ends with its Mermaid gantt and
 * `report --format svg` prints (or with `--out` writes) its timeline; an unknown format is refused.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFleet } from '../support/fakeFleet';
import { runCli } from '../support/runCli';
import { workerProcessSuite } from '../support/workerProcessSuite';

const taskQueue = `pictures-${randomUUID()}`;
const env = { LOCKSTEP_TASK_QUEUE: taskQueue };
const suite = workerProcessSuite();
beforeAll(async () => {
  await suite.start(taskQueue);
});

test('report --format md ends with the gantt, --format svg draws the timeline, --out writes it', async () => {
  const fleet = new FakeFleet({ a: '1.0.0', b: '1.0.0' });
  fleet.env.UNHEALTHY = 'b@2.0.0';
  const id = `pictures-${randomUUID().slice(0, 8)}`;
  const file = fleet.writeManifest(fleet.manifest(id, [fleet.service('a', '2.0.0'), fleet.service('b', '2.0.0', { dependsOn: ['a'] })]));
  expect((await runCli(['release', file, '--wait'], env)).code).toBe(1);

  const md = await runCli(['report', `test/${id}`, '--format', 'md'], env);
  expect({ code: md.code, stderr: md.stderr }).toEqual({ code: 0, stderr: '' });
  const gantt = md.stdout.slice(md.stdout.indexOf('```mermaid\n')).trimEnd().split('\n');
  expect(gantt.slice(0, 6)).toEqual(['```mermaid', 'gantt', `    title release/test/${id} RolledBack`, '    dateFormat x', '    axisFormat %H:%M:%S', '    todayMarker off']);
  expect(gantt.at(-1)).toBe('```');
  const body = gantt.slice(6, -1).map((line) => line.replace(/:(\w+, )?\d+, \d+$/, ':$1<start>, <end>'));
  expect(body).toEqual([
    '    section a',
    '    deploy 2.0.0 :done, <start>, <end>',
    '    probe 2.0.0 :done, <start>, <end>',
    '    section b',
    '    deploy 2.0.0 :done, <start>, <end>',
    '    probe 2.0.0 (failed) :crit, <start>, <end>',
    '    section rollback',
    '    b rollback to 1.0.0 :done, <start>, <end>',
    '    a rollback to 1.0.0 :done, <start>, <end>',
    // both are verified at once, after the last rollback: in either order
    ...body.slice(-2),
  ]);
  expect(body.slice(-2).sort()).toEqual(['    a verify 1.0.0 :done, <start>, <end>', '    b verify 1.0.0 :done, <start>, <end>']);

  const svg = await runCli(['report', `test/${id}`, '--format', 'svg'], env);
  expect({ code: svg.code, stderr: svg.stderr }).toEqual({ code: 0, stderr: '' });
  expect(svg.stdout).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg.stdout).toContain(`>release/test/${id}: RolledBack in `);
  expect([...svg.stdout.matchAll(/<g class="lane" data-kind="service" data-name="(\w+)"/g)].map((m) => m[1])).toEqual(['a', 'b']);
  expect([...svg.stdout.matchAll(/<rect class="bar" data-outcome="(\w+)"/g)].map((m) => m[1])).toEqual(['ok', 'ok', 'rollback', 'rollback', 'ok', 'failed', 'rollback', 'rollback']);

  const out = join(mkdtempSync(join(tmpdir(), 'lockstep-svg-')), 'release.svg');
  const written = await runCli(['report', `test/${id}`, '--format', 'svg', '--out', out], env);
  expect(written).toEqual({ code: 0, stdout: `wrote the svg report of release/test/${id} to ${out}\n`, stderr: '' });
  expect(readFileSync(out, 'utf8')).toBe(svg.stdout);

  const png = await runCli(['report', `test/${id}`, '--format', 'png'], env);
  expect(png).toEqual({ code: 3, stdout: '', stderr: 'lockstep: --format png: give md, json, text or svg\n' });
  const nowhere = await runCli(['report', `test/${id}`, '--format', 'svg', '--out', join(out, 'no', 'such', 'dir.svg')], env);
  expect(nowhere.code).toBe(3);
  expect(nowhere.stderr).toMatch(/^lockstep: --out .*dir\.svg: cannot write it: ENOTDIR/);
});
