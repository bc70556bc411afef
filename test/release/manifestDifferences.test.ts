/** What differs between an existing release's manifest and one started again under its id. Pure. */
import { manifestDifferences, type StartedManifest } from '../../src/release/manifestDifferences';
import { validManifest } from '../support/validManifest';

const started = (mutate: (m: ReturnType<typeof validManifest>) => void = () => undefined, baseDir = '/repo/deploy'): StartedManifest => {
  const manifest = validManifest();
  mutate(manifest);
  return { manifest, baseDir } as StartedManifest;
};

test('the same manifest, written with its defaults or without, does not differ', () => {
  const spelled = started((m) => {
    m.spec.maxParallel = 10;
    m.spec.services[0].target.timeout = '5m';
    m.spec.services[0].dependsOn = [];
  });
  expect(manifestDifferences(started(), spelled)).toEqual([]);
});

test('each difference is one line naming the service or field, the existing value and the new one', () => {
  const bumped = started((m) => {
    m.spec.services[0].version = '1.0.1';
    m.spec.services[1].target.deploy = ['./deploy-v2.sh', 'api'];
    m.spec.services.push({ name: 'web', version: '1.0.0', target: { kind: 'simulated' } });
    m.spec.maxParallel = 2;
  }, '/repo/other');
  expect(manifestDifferences(started(), bumped)).toEqual([
    'manifest directory: /repo/deploy in the existing release, /repo/other in this manifest',
    'db: version 1.0.0 in the existing release, 1.0.1 in this manifest',
    'api: target.deploy ["./deploy.sh","api"] in the existing release, ["./deploy-v2.sh","api"] in this manifest',
    'web: in this manifest, not in the existing release',
    'spec.maxParallel: 10 in the existing release, 2 in this manifest',
  ]);
  expect(manifestDifferences(bumped, started())).toContain('web: in the existing release, not in this manifest');
});

test('services listed in another order differ; a manifest the existing release cannot parse differs', () => {
  const reordered = started((m) => m.spec.services.reverse());
  expect(manifestDifferences(started(), reordered)).toEqual(['spec.services: the same services, listed in another order']);
  expect(manifestDifferences(started((m) => (m.spec.replicas = 3)), started())).toEqual([
    "the existing release's manifest does not validate against this version of Lockstep",
  ]);
});
