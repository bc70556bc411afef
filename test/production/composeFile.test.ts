/**
 * docker-compose.yml, the Dockerfile and deploy/topology.env, checked without a Docker engine (none
 * runs on these machines): Debian's docker-compose 1.29 validates the file and resolves it with the
 * env file, and the resolved services are held to the env file's versions, ports and settings;
 * promtool checks the Prometheus configuration the compose file mounts. `.ci/run` installs
 * docker-compose (and prometheus, which carries promtool).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/searchAttributes';
import { PREBUILT_BUNDLE_ENV } from '../../workers/releaseWorker';
import { prometheusBinary } from '../support/prometheusServer';
import { readTopologyEnv, TOPOLOGY_ENV_FILE } from '../support/topologyEnv';

const ROOT = join(__dirname, '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const DOCKERFILE = join(ROOT, 'Dockerfile');

/** The parts of a compose service these tests read, as `docker-compose config` prints them. */
const Service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string().optional(), args: z.record(z.string(), z.string()).optional() }).optional(),
  environment: z.record(z.string(), z.string()).default({}),
  ports: z.array(z.union([z.string(), z.object({ published: z.union([z.number(), z.string()]), target: z.number() })])).default([]),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  entrypoint: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  volumes: z.array(z.string()).default([]),
});
const ComposeFile = z.object({ services: z.record(z.string(), Service) });
type Service = z.infer<typeof Service>;

/** The raw file: only each service's image, as written (with its ${VARIABLE}s). */
const RawComposeFile = z.object({ services: z.record(z.string(), z.object({ image: z.string().optional() })) });

function dockerCompose(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync('docker-compose', args, { cwd, encoding: 'utf8', env: { ...process.env, COMPOSE_INTERACTIVE_NO_CLI: '1' } });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error("docker-compose is not installed: .ci/run installs Debian's docker-compose (apt-get install -y docker-compose)");
  }
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const env = readTopologyEnv();
let services: Record<string, Service>;

beforeAll(() => {
  const resolved = dockerCompose(['-f', 'docker-compose.yml', 'config']);
  if (resolved.code !== 0) throw new Error(`docker-compose config failed:\n${resolved.stderr}`);
  services = ComposeFile.parse(parse(resolved.stdout)).services;
});

const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** [published, target] of each port a service publishes, from either form the tool prints. */
function publishedPorts(s: Service): [number, number][] {
  return s.ports.map((p) => {
    if (typeof p !== 'string') return [Number(p.published), p.target];
    const parts = p.replace(/\/tcp$/, '').split(':');
    return [Number(parts.at(-2)), Number(parts.at(-1))];
  });
}

const portOf = (address: string | undefined): number => Number(address?.split(':').at(-1));

test('docker-compose 1.29 accepts the file (config -q)', () => {
  const check = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q']);
  expect(check.stderr).toBe('');
  expect(check.code).toBe(0);
});

test('.env beside the compose file is deploy/topology.env, and without it docker-compose names that file', () => {
  expect(realpathSync(join(ROOT, '.env'))).toBe(realpathSync(TOPOLOGY_ENV_FILE));
  const bare = mkdtempSync(join(tmpdir(), 'lockstep-compose-'));
  try {
    copyFileSync(COMPOSE_FILE, join(bare, 'docker-compose.yml'));
    const check = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], bare);
    expect(check.code).not.toBe(0);
    expect(check.stderr).toContain('see deploy/topology.env');
    expect(dockerCompose(['--env-file', TOPOLOGY_ENV_FILE, '-f', 'docker-compose.yml', 'config', '-q'], bare).code).toBe(0);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

test("every image tag is one of the env file's versions; the admin tools are the server's release", () => {
  const raw = RawComposeFile.parse(parse(readFileSync(COMPOSE_FILE, 'utf8'))).services;
  const images = Object.entries(raw).filter(([, s]) => s.image !== undefined);
  expect(images.map(([name]) => name).sort()).toEqual(['postgres', 'prometheus', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui']);
  for (const [name, s] of images) {
    const tag = /^[a-z0-9./-]+:v?\$\{([A-Z0-9_]+_VERSION)(?::\?[^}]*)?\}$/.exec(s.image!);
    expect({ name, tagVariable: tag?.[1] }).toEqual({ name, tagVariable: expect.stringMatching(/_VERSION$/) });
    expect(env[tag![1]!]).toBeDefined();
  }
  expect(service('postgres').image).toBe(`postgres:${env.POSTGRES_VERSION}`);
  expect(service('temporal').image).toBe(`temporalio/server:${env.TEMPORAL_VERSION}`);
  expect(service('temporal-schema').image).toBe(`temporalio/admin-tools:${env.TEMPORAL_VERSION}`);
  expect(service('temporal-namespace').image).toBe(`temporalio/admin-tools:${env.TEMPORAL_VERSION}`);
  expect(service('temporal-ui').image).toBe(`temporalio/ui:${env.TEMPORAL_UI_VERSION}`);
  expect(service('prometheus').image).toBe(`prom/prometheus:v${env.PROMETHEUS_VERSION}`);
});

test("the worker is built by the Dockerfile on the env file's Node", () => {
  const { build, image } = service('worker');
  expect(image).toBeUndefined();
  expect(build).toEqual({ context: ROOT, dockerfile: 'Dockerfile', args: { NODE_VERSION: env.NODE_VERSION } });
  const dockerfile = readFileSync(DOCKERFILE, 'utf8');
  expect(dockerfile).toMatch(new RegExp(`^ARG NODE_VERSION=${env.NODE_VERSION!.replace(/\./g, '\\.')}$`, 'm')); // `docker build .` alone: the same Node
  expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-/m);
});

test('health checks: pg_isready, the frontend port, the worker process; the namespace job waits for cluster health', () => {
  expect(service('postgres').healthcheck?.test).toEqual(['CMD-SHELL', `pg_isready -h 127.0.0.1 -p ${env.POSTGRES_PORT} -U ${env.POSTGRES_USER}`]);
  expect(service('temporal').healthcheck?.test).toEqual(['CMD', 'nc', '-z', '127.0.0.1', env.TEMPORAL_GRPC_PORT]);
  const workerCheck = service('worker').healthcheck?.test;
  expect(workerCheck?.slice(0, 3)).toEqual(['CMD', 'pgrep', '-f']);
  // the pattern matches the command line the image runs: its ENTRYPOINT and the service's command
  const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(readFileSync(DOCKERFILE, 'utf8'))![1]!) as string[];
  expect([...entrypoint, ...(service('worker').command ?? [])].join(' ')).toContain(workerCheck![3]);

  const namespaceJob = service('temporal-namespace');
  expect(namespaceJob.entrypoint).toEqual(['/bin/sh', '/deploy/setup-namespace.sh']);
  const script = readFileSync(join(ROOT, 'deploy', 'temporal', 'setup-namespace.sh'), 'utf8');
  expect(script).toMatch(/until temporal operator cluster health --address "\$TEMPORAL_ADDRESS".*grep -q SERVING/);
  expect(service('temporal-schema').entrypoint).toEqual(['/bin/sh', '/deploy/setup-schema.sh']);
  for (const job of ['temporal-schema', 'temporal-namespace']) {
    expect(service(job).volumes).toContain(`${join(ROOT, 'deploy', 'temporal')}:/deploy:ro`);
  }
});

test('depends_on: schema after a healthy database, server after the schema job, workers after the namespace job', () => {
  const conditions = Object.fromEntries(
    Object.entries(services).map(([name, s]) => [name, Object.fromEntries(Object.entries(s.depends_on).map(([on, d]) => [on, d.condition]))]),
  );
  expect(conditions).toEqual({
    postgres: {},
    'temporal-schema': { postgres: 'service_healthy' },
    temporal: { 'temporal-schema': 'service_completed_successfully' },
    'temporal-namespace': { temporal: 'service_healthy' },
    'temporal-ui': { temporal: 'service_healthy' },
    worker: { 'temporal-namespace': 'service_completed_successfully' },
    prometheus: { worker: 'service_started' },
  });
});

test("ports and settings are the env file's", () => {
  const n = (key: string) => Number(env[key]);
  expect(publishedPorts(service('postgres'))).toEqual([[n('POSTGRES_PORT'), n('POSTGRES_PORT')]]);
  expect(service('postgres').environment).toMatchObject({ PGPORT: env.POSTGRES_PORT, POSTGRES_USER: env.POSTGRES_USER, POSTGRES_PASSWORD: env.POSTGRES_PASSWORD });
  expect(service('temporal-schema').environment).toMatchObject({
    POSTGRES_PORT: env.POSTGRES_PORT, POSTGRES_USER: env.POSTGRES_USER, SQL_PASSWORD: env.POSTGRES_PASSWORD,
    TEMPORAL_DB: env.TEMPORAL_DB, TEMPORAL_VISIBILITY_DB: env.TEMPORAL_VISIBILITY_DB,
  });

  expect(publishedPorts(service('temporal'))).toEqual([[n('TEMPORAL_GRPC_PORT'), n('TEMPORAL_GRPC_PORT')]]);
  expect(service('temporal').environment).toMatchObject({
    DB: 'postgres12', DB_PORT: env.POSTGRES_PORT, POSTGRES_USER: env.POSTGRES_USER, POSTGRES_PWD: env.POSTGRES_PASSWORD,
    DBNAME: env.TEMPORAL_DB, VISIBILITY_DBNAME: env.TEMPORAL_VISIBILITY_DB, NUM_HISTORY_SHARDS: env.TEMPORAL_NUM_HISTORY_SHARDS,
    FRONTEND_GRPC_PORT: env.TEMPORAL_GRPC_PORT, FRONTEND_HTTP_PORT: env.TEMPORAL_HTTP_PORT, FRONTEND_MEMBERSHIP_PORT: env.TEMPORAL_FRONTEND_MEMBERSHIP_PORT,
    HISTORY_GRPC_PORT: env.TEMPORAL_HISTORY_GRPC_PORT, HISTORY_MEMBERSHIP_PORT: env.TEMPORAL_HISTORY_MEMBERSHIP_PORT,
    MATCHING_GRPC_PORT: env.TEMPORAL_MATCHING_GRPC_PORT, MATCHING_MEMBERSHIP_PORT: env.TEMPORAL_MATCHING_MEMBERSHIP_PORT,
    WORKER_GRPC_PORT: env.TEMPORAL_WORKER_GRPC_PORT, WORKER_MEMBERSHIP_PORT: env.TEMPORAL_WORKER_MEMBERSHIP_PORT,
    PROMETHEUS_ENDPOINT: `0.0.0.0:${env.TEMPORAL_METRICS_PORT}`,
  });
  const temporalAddress = `temporal:${env.TEMPORAL_GRPC_PORT}`;
  expect(service('temporal-namespace').environment).toMatchObject({ TEMPORAL_ADDRESS: temporalAddress, NAMESPACE: env.TEMPORAL_NAMESPACE, RETENTION: env.TEMPORAL_NAMESPACE_RETENTION });

  expect(publishedPorts(service('temporal-ui'))).toEqual([[n('TEMPORAL_UI_PORT'), n('TEMPORAL_UI_PORT')]]);
  expect(service('temporal-ui').environment).toMatchObject({
    TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: env.TEMPORAL_UI_PORT, TEMPORAL_CORS_ORIGINS: `http://localhost:${env.TEMPORAL_UI_PORT}`,
  });

  expect(service('worker').environment).toEqual({
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    LOCKSTEP_TASK_QUEUE: env.LOCKSTEP_TASK_QUEUE,
    LOCKSTEP_METRICS_ADDRESS: `0.0.0.0:${env.LOCKSTEP_METRICS_PORT}`,
  });

  expect(publishedPorts(service('prometheus'))).toEqual([[n('PROMETHEUS_PORT'), n('PROMETHEUS_PORT')]]);
  expect(service('prometheus').command).toContain(`--web.listen-address=0.0.0.0:${env.PROMETHEUS_PORT}`);

  // no port or setting of the env file is left unused by the compose file
  const composeText = readFileSync(COMPOSE_FILE, 'utf8');
  const unused = Object.keys(env).filter((key) => key !== 'COMPOSE_PROJECT_NAME' && !composeText.includes(`\${${key}`));
  expect(unused).toEqual([]);
});

test("Prometheus scrapes the worker and the server on the env file's ports, and promtool accepts its configuration", async () => {
  const mounted = service('prometheus').volumes.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'));
  expect(mounted).toBe(`${join(ROOT, 'deploy', 'prometheus', 'prometheus.yml')}:/etc/prometheus/prometheus.yml:ro`);
  const configFile = mounted!.split(':')[0]!;
  const ScrapeConfig = z.object({
    scrape_configs: z.array(
      z.object({
        job_name: z.string(),
        static_configs: z.array(z.object({ targets: z.array(z.string()) })).optional(),
        dns_sd_configs: z.array(z.object({ names: z.array(z.string()), type: z.string(), port: z.number() })).optional(),
      }),
    ),
  });
  const jobs = Object.fromEntries(ScrapeConfig.parse(parse(readFileSync(configFile, 'utf8'))).scrape_configs.map((j) => [j.job_name, j]));
  expect(jobs['lockstep-worker']?.dns_sd_configs).toEqual([{ names: ['worker'], type: 'A', port: Number(env.LOCKSTEP_METRICS_PORT) }]);
  expect(portOf(service('worker').environment.LOCKSTEP_METRICS_ADDRESS)).toBe(Number(env.LOCKSTEP_METRICS_PORT));
  expect(jobs['temporal-server']?.static_configs).toEqual([{ targets: [`temporal:${env.TEMPORAL_METRICS_PORT}`] }]);

  const promtool = join(dirname(await prometheusBinary()), 'promtool');
  const check = spawnSync(promtool, ['check', 'config', configFile], { encoding: 'utf8' });
  if (check.error) throw new Error(`promtool (beside the prometheus binary, as Debian's package has it) cannot run: ${check.error.message}`);
  expect({ code: check.status, output: check.stdout + check.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
});

test("the namespace job registers Lockstep's search attributes", () => {
  const listed = service('temporal-namespace').environment.SEARCH_ATTRIBUTES?.split(' ');
  expect(listed).toEqual(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => `${name}=${type}`));
});

test("the Dockerfile: the package's files, npm ci --omit=dev, the workflow bundle built and pointed to, a non-root user", () => {
  // one instruction per line, continuation lines joined
  const instructions = readFileSync(DOCKERFILE, 'utf8').replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const runs = instructions.filter((l) => l.startsWith('RUN '));
  expect(runs.some((r) => /\bnpm ci --omit=dev\b/.test(r))).toBe(true);

  const copied = instructions.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/).slice(1, -1)).map((p) => p.replace(/\/$/, ''));
  const packageFiles = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files.map((p) => p.replace(/\/$/, ''));
  expect(packageFiles.filter((p) => !copied.includes(p))).toEqual([]);

  const bundleRun = runs.findIndex((r) => r.includes('scripts/build-workflow-bundle.ts'));
  const bundleFile = /build-workflow-bundle\.ts (\S+)/.exec(runs[bundleRun] ?? '')?.[1];
  expect(bundleFile).toMatch(/^\/.+\.js$/);
  expect(instructions).toContain(`ENV ${PREBUILT_BUNDLE_ENV}=${bundleFile}`);

  const users = instructions.filter((l) => l.startsWith('USER '));
  expect(users.length).toBeGreaterThan(0);
  expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
  // built as root, run as the image's user: the bundle and the sources are not the worker's to change
  expect(instructions.indexOf(users.at(-1)!)).toBeGreaterThan(instructions.indexOf(`RUN ${runs[bundleRun]!.slice(4)}`));

  // a host's node_modules must not land on top of what npm ci installed in the image
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.lockstep', '.git']));
});
