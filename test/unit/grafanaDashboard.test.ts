/**
 * deploy/grafana/lockstep-dashboard.json reads only metrics the worker serves: every PromQL
 * expression's metric names are in Lockstep's registry (a histogram as its _bucket, _sum or
 * _count series), and every metric of the registry has a panel. (test/metrics/workerMetrics.test.ts
 * runs each expression against a real Prometheus.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLockstepMetrics } from '../../src/metrics/lockstepMetrics';
import { promqlMetricNames } from '../support/promqlMetricNames';

const DASHBOARD_PATH = join(__dirname, '..', '..', 'deploy', 'grafana', 'lockstep-dashboard.json');

interface Panel {
  title: string;
  /** A row's panels. */
  targets?: { expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const exprs = allPanels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** The series names the worker serves, and each metric's labels. */
async function served(): Promise<{ series: Map<string, string>; labels: Map<string, string[]> }> {
  const { registry } = createLockstepMetrics();
  const series = new Map<string, string>();
  const labels = new Map<string, string[]>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const names = String(metric.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s) : [metric.name];
    for (const name of names) series.set(name, metric.name);
    labels.set(metric.name, (registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }).labelNames); // prom-client keeps them, untyped
  }
  return { series, labels };
}

test('the tokenizer finds metric names, not functions, label lists, ranges or numbers', () => {
  expect(promqlMetricNames('histogram_quantile(0.95, sum by (le, step) (rate(lockstep_step_duration_seconds_bucket{step="deploy"}[$__rate_interval])))')).toEqual([
    'lockstep_step_duration_seconds_bucket',
  ]);
  expect(promqlMetricNames('sum(increase(a_total{x=~"a|b"}[5m])) / sum without (instance) (b_total offset 1h) > 1e3 and on (job) up')).toEqual(['a_total', 'b_total', 'up']);
  expect(promqlMetricNames('lockstep_release_total')).toEqual(['lockstep_release_total']);
});

test('every panel has a query, and every metric name in them is one the worker serves', async () => {
  const { series } = await served();
  expect(exprs.length).toBeGreaterThanOrEqual(10);
  expect(allPanels(dashboard.panels).filter((p) => !p.panels && !p.targets?.length).map((p) => p.title)).toEqual([]);
  const unknown = exprs.flatMap(({ panel, expr }) => promqlMetricNames(expr).filter((name) => !series.has(name)).map((name) => `${panel}: ${name}`));
  expect(unknown).toEqual([]);
  // what the check would refuse: a histogram without its series suffix, a misspelt counter
  expect(['lockstep_rollback_duration_seconds', 'lockstep_release_total'].filter((name) => series.has(name))).toEqual([]);
  for (const { expr } of exprs) expect(promqlMetricNames(expr).length).toBeGreaterThan(0);
});

test("every metric of Lockstep's registry is on the dashboard", async () => {
  const { series } = await served();
  const used = new Set(exprs.flatMap(({ expr }) => promqlMetricNames(expr)).map((name) => series.get(name)));
  expect([...new Set(series.values())].filter((metric) => !used.has(metric))).toEqual([]);
});

test("the environment variable reads a served metric's label", async () => {
  const { series, labels } = await served();
  const environment = dashboard.templating.list.find((v) => v.name === 'environment');
  const query = typeof environment?.query === 'string' ? environment.query : environment?.query?.query;
  const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(query ?? '');
  expect(match).not.toBeNull();
  const [, metric, label] = match!;
  expect(series.get(metric!)).toBe(metric);
  expect(labels.get(metric!)).toContain(label);
});
