/**
 * A fleet of services deployed by a real user-style script (test/fixtures/fake-target.js) through
 * the `command` target. The script's own log says what was applied, in which order.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ManifestInput } from '../../src/manifest/schema';

export const FAKE_TARGET = resolve(__dirname, '..', 'fixtures', 'fake-target.js');
export const FAKE_CHECK = resolve(__dirname, '..', 'fixtures', 'fake-check.js');

export interface FakeServiceOptions {
  dependsOn?: string[];
  health?: boolean;
  timeout?: string;
  rollback?: boolean;
}

export type HeldAction = 'deploy' | 'rollback' | 'health';

type ServiceInput = ManifestInput['spec']['services'][number];
type CheckInput = NonNullable<ManifestInput['spec']['checks']>[number];

export class FakeFleet {
  readonly dir = mkdtempSync(join(tmpdir(), 'lockstep-fleet-'));
  /** Failure switches and delays for fake-target.js, read by the script at every call. */
  readonly env: Record<string, string> = new Proxy({} as Record<string, string>, {
    set: (target, key, value) => {
      target[key as string] = String(value);
      writeFileSync(join(this.dir, 'env.json'), JSON.stringify(target));
      return true;
    },
  });

  constructor(initial: Record<string, string> = {}) {
    for (const [name, version] of Object.entries(initial)) writeFileSync(join(this.dir, `${name}.version`), version);
  }

  /**
   * Holds every `deploy` (`rollback`, `health`) of a service from now on: the script logs
   * "deploy-start <service> ..." ("rollback-start", "health-start") and waits until `letGo`. A
   * race in a test is then decided by the test, not by how fast the machine is.
   */
  hold(action: HeldAction, name: string): void {
    writeFileSync(this.holdFile(action, name), '');
  }

  /** Lets a held action of a service go on, and later ones run without waiting. */
  letGo(action: HeldAction, name: string): void {
    rmSync(this.holdFile(action, name), { force: true });
  }

  private holdFile(action: HeldAction, name: string): string {
    return join(this.dir, `${action}-${name}.hold`);
  }

  service(name: string, version: string, opts: FakeServiceOptions = {}): ServiceInput {
    const call = (action: string) => ['node', FAKE_TARGET, action, name, this.dir];
    return {
      name,
      version,
      dependsOn: opts.dependsOn ?? [],
      target: {
        kind: 'command',
        deploy: call('deploy'),
        current: call('current'),
        ...(opts.rollback === false ? {} : { rollback: call('rollback') }),
        timeout: opts.timeout ?? '30s',
        env: { FAKE_STATE_DIR: this.dir },
      },
      ...(opts.health === false
        ? {}
        : { health: { command: call('health'), successThreshold: 1, interval: '100ms', timeout: '3s' } }),
    };
  }

  /** A `command` check running test/fixtures/fake-check.js, which logs each run into the fleet's events. */
  check(name: string, fields: Partial<Omit<Extract<CheckInput, { kind: 'command' }>, 'kind' | 'run'>> = {}): CheckInput {
    return { name, kind: 'command', run: ['node', FAKE_CHECK, this.dir], ...fields };
  }

  /** The runs of checks: "check <name> <moment> <run> <svc>=<version>,...". */
  checkRuns(): string[] {
    return this.events().filter((e) => e.startsWith('check '));
  }

  /** Services in a line, each after the one before it: `chain(['a', 'b', 'c'], '2.0.0')` is a -> b -> c. */
  chain(names: string[], version: string): ServiceInput[] {
    return names.map((name, i) => this.service(name, version, i > 0 ? { dependsOn: [names[i - 1]!] } : {}));
  }

  manifest(id: string, services: ServiceInput[], extra: Partial<ManifestInput['spec']> = {}): ManifestInput {
    return {
      apiVersion: 'lockstep/v1',
      kind: 'Release',
      metadata: { id, environment: 'test' },
      spec: { services, retries: { deployAttempts: 2, rollbackAttempts: 3, initialInterval: '100ms' }, ...extra },
    };
  }

  /** Writes a manifest file into the fleet's directory and returns its path. */
  writeManifest(manifest: unknown, name = 'manifest.json'): string {
    const file = join(this.dir, name);
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    return file;
  }

  events(): string[] {
    const file = join(this.dir, 'events.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Actions applied, without details: "deploy a 2.0.0", "rollback a 1.0.0". */
  applied(): string[] {
    return this.events()
      .filter((e) => /^(deploy|rollback) /.test(e))
      .map((e) => e.split(' ').slice(0, 3).join(' '));
  }

  /** Pids of health checks that hung (HANG_HEALTH) and of their grandchildren. */
  hungHealthPids(): number[] {
    const file = join(this.dir, 'hung-health.pids');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  }

  version(name: string): string {
    const file = join(this.dir, `${name}.version`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  }

  /** The version whose config the script applied last ('' = none); a half-applied deploy leaves it ahead of `version`. */
  config(name: string): string {
    const file = join(this.dir, `${name}.config`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  }
}
