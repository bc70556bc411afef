/** A valid manifest as a plain object, for tests that break it one way at a time. */

/** Deliberately loose: tests put wrong types anywhere in it. */
export type ManifestObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests mutate arbitrary fields with arbitrary types

export function validManifest(): ManifestObject {
  return {
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { id: 'checkout-42', environment: 'staging' },
    spec: {
      services: [
        {
          name: 'db',
          version: '1.0.0',
          target: { kind: 'command', deploy: ['./deploy.sh', 'db'], current: ['./current.sh', 'db'] },
        },
        {
          name: 'api',
          version: '2.0.0',
          dependsOn: ['db'],
          target: { kind: 'command', deploy: ['./deploy.sh', 'api'], current: ['./current.sh', 'api'], timeout: '5m' },
          health: { http: { url: 'http://127.0.0.1:7102/healthz' }, successThreshold: 2, interval: '1s', timeout: '30s' },
        },
      ],
      gates: [{ name: 'prod-ok', before: ['api'] }],
    },
  };
}
