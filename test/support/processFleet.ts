/**
 * A fleet of real HTTP services run by the built-in `process` target
 * (test/fixtures/faulty-service.js), each on its own port, with faults by version. The fleet has
 * its own state directory, so a test worker built with `activities()` runs exactly these services,
 * and the final versions are read back from the target and from the services themselves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createActivities, type ReleaseActivities } from '../../activities';
import { createLogger } from '../../src/logging/logger';
import { ProcessTarget, type ManifestInput } from '../../src/manifest/schema';
import { createProbe } from '../../src/probes/createProbe';
import { createTarget } from '../../src/targets/createTarget';
import type { StepContext } from '../../src/targets/deployTarget';
import { createProcessTarget, processStatePath, stopAllProcesses } from '../../src/targets/process/processTarget';
import { freePort } from '../../src/net/tcpPorts';

export const FAULTY_SERVICE = resolve(__dirname, '..', 'fixtures', 'faulty-service.js');

/** How one version of a service misbehaves (see faulty-service.js). */
export interface ServiceFault {
  down?: boolean;
  /** The process exits at once. */
  crash?: boolean;
  slowMs?: number;
  flap?: number[];
  repeat?: boolean;
}

type ServiceInput = ManifestInput['spec']['services'][number];
type HealthInput = NonNullable<ServiceInput['health']>;

export class ProcessFleet {
  readonly dir = mkdtempSync(join(tmpdir(), 'lockstep-process-fleet-'));
  /** The process target's state (and the services' logs). */
  readonly stateDir = join(this.dir, 'processes');
  readonly environment = 'faults';
  private readonly ports = new Map<string, number>();
  private readonly specs = new Map<string, ProcessTarget>();

  /**
   * `startCheckMs`: how long a started service must live to count as started (the process
   * target's default is 300ms). A test whose version must fail its start sets it long, so that
   * a loaded machine cannot delay the crash past the check; a crash still ends the check at once.
   */
  constructor(private readonly opts: { startCheckMs?: number } = {}) {}

  /** The worker's activities: built-in targets and probes, process state in this fleet's directory. */
  activities(): ReleaseActivities {
    const logger = createLogger({ component: 'process-fleet-worker' });
    logger.level = process.env.LOCKSTEP_TEST_LOG_LEVEL ?? 'silent';
    return createActivities({
      targetFor: (spec) => createTarget(spec, { processStateDir: this.stateDir, processStartCheckMs: this.opts.startCheckMs }),
      probeFor: (health, baseDir) => createProbe(health, baseDir),
      logger,
    });
  }

  /** Declares a service (a free port, its faults by version); the manifest entry runs it with the process target. */
  async service(name: string, version: string, faults: Record<string, ServiceFault> = {}, health: Partial<HealthInput> = {}): Promise<ServiceInput> {
    const port = await freePort();
    this.ports.set(name, port);
    const target = {
      kind: 'process' as const,
      start: [process.execPath, FAULTY_SERVICE, String(port), '{{version}}'],
      env: { FAULTS: JSON.stringify(faults) },
      stopTimeout: '2s',
    };
    this.specs.set(name, ProcessTarget.parse(target));
    return {
      name,
      version,
      dependsOn: [],
      target,
      health: { http: { url: this.url(name, '/healthz') }, successThreshold: 1, interval: '100ms', timeout: '2s', ...health },
    };
  }

  url(name: string, path: string): string {
    return `http://127.0.0.1:${this.port(name)}${path}`;
  }

  manifest(id: string, services: ServiceInput[]): ManifestInput {
    return {
      apiVersion: 'lockstep/v1',
      kind: 'Release',
      metadata: { id, environment: this.environment },
      spec: { services, retries: { deployAttempts: 2, rollbackAttempts: 3, initialInterval: '100ms' } },
    };
  }

  /** Writes a manifest file into the fleet's directory and returns its path. */
  writeManifest(manifest: unknown, name = 'manifest.json'): string {
    const file = join(this.dir, name);
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    return file;
  }

  /** Starts `version` of a service outside any release (what ran before the release). */
  async deploy(name: string, version: string): Promise<void> {
    await this.target(name).deploy(this.context(name), { version, previousVersion: '' });
  }

  /** The version the process target says runs ('' = none). */
  current(name: string): Promise<string> {
    return this.target(name).current(this.context(name));
  }

  /** What the running service itself answers on /version, or undefined when nothing answers. */
  async served(name: string): Promise<{ version: string; pid: number } | undefined> {
    try {
      const response = await fetch(this.url(name, '/version'), { signal: AbortSignal.timeout(2000) });
      return (await response.json()) as { version: string; pid: number };
    } catch {
      return undefined;
    }
  }

  /** Versions the target started for this service, in order (from the service's log). */
  starts(name: string): string[] {
    return this.logLines(name)
      .map((line) => / starting \S+ (\S+): /.exec(line)?.[1])
      .filter((v): v is string => v !== undefined);
  }

  /** The statuses the service answered on /healthz, in order; only those of one version when given. */
  healthAnswers(name: string, version?: string): number[] {
    const answers: number[] = [];
    let running: string | undefined;
    for (const line of this.logLines(name)) {
      const started = / starting \S+ (\S+): /.exec(line);
      if (started) running = started[1];
      const answer = /^healthz (\d+)$/.exec(line);
      if (answer && (version === undefined || running === version)) answers.push(Number(answer[1]));
    }
    return answers;
  }

  /** Stops every service of the fleet. */
  stop(): Promise<void> {
    return stopAllProcesses(this.stateDir, { graceMs: 1000 });
  }

  private logLines(name: string): string[] {
    try {
      return readFileSync(processStatePath(this.stateDir, this.environment, name).replace(/\.json$/, '.log'), 'utf8').split('\n');
    } catch {
      return [];
    }
  }

  private port(name: string): number {
    const port = this.ports.get(name);
    if (port === undefined) throw new Error(`no service ${name} in this fleet`);
    return port;
  }

  private target(name: string) {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no service ${name} in this fleet`);
    return createProcessTarget(spec, { stateDir: this.stateDir, startCheckMs: this.opts.startCheckMs });
  }

  private context(name: string): StepContext {
    return {
      releaseId: 'before-the-release',
      environment: this.environment,
      service: name,
      idempotencyKey: `before-the-release:${name}`,
      signal: new AbortController().signal,
      heartbeat: () => undefined,
      baseDir: this.dir,
    };
  }
}
