/** The `http` target's block in a manifest: defaults, and every bad input named by field path with an exact message. */
import { parseManifestText, ManifestError } from '../../src/manifest/loadManifest';

const manifest = (target: string) => `apiVersion: lockstep/v1
kind: Release
metadata: { id: r1, environment: staging }
spec:
  services:
    - name: payments
      version: 2.0.0
      target:
${target
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
`;

const DEPLOY = 'deploy: { url: "http://deployer.internal/api/{{service}}", json: { version: "{{version}}" } }';
const CURRENT = 'current: { url: "http://deployer.internal/api/{{service}}", jsonPath: "$.version" }';

function problems(target: string): string[] {
  try {
    parseManifestText(manifest(target), '/tmp/m.yaml');
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  throw new Error('expected the manifest to be rejected');
}

test('a valid block gets its defaults: POST, a 5m step timeout, 30s per request, polled every 2s', () => {
  const { manifest: m } = parseManifestText(
    manifest(`kind: http
${DEPLOY}
${CURRENT}
await: { url: "http://deployer.internal/api/{{service}}/rollout", until: { json: { state: done } } }`),
    '/tmp/m.yaml',
  );
  expect(m.spec.services[0]!.target).toEqual({
    kind: 'http',
    deploy: { method: 'POST', url: 'http://deployer.internal/api/{{service}}', json: { version: '{{version}}' } },
    current: { url: 'http://deployer.internal/api/{{service}}', jsonPath: '$.version' },
    await: { url: 'http://deployer.internal/api/{{service}}/rollout', until: { json: { state: 'done' } }, interval: '2s' },
    timeout: '5m',
    requestTimeout: '30s',
  });
});

test.each([
  [
    'a URL that is not http(s)',
    `kind: http\ndeploy: { url: "ftp://deployer/api" }\n${CURRENT}`,
    'spec.services[0].target.deploy.url: must be an http(s) URL, e.g. "http://deployer.internal/api/payments" (got "ftp://deployer/api")',
  ],
  [
    'a URL that is no URL',
    `kind: http\n${DEPLOY}\ncurrent: { url: "deployer/api/payments" }`,
    'spec.services[0].target.current.url: must be an http(s) URL, e.g. "http://deployer.internal/api/payments" (got "deployer/api/payments")',
  ],
  [
    'an unknown method',
    `kind: http\ndeploy: { method: FETCH, url: "http://deployer/api" }\n${CURRENT}`,
    'spec.services[0].target.deploy.method: must be one of POST, PUT, PATCH, DELETE, GET',
  ],
  [
    'a JSON path outside the subset',
    `kind: http\n${DEPLOY}\ncurrent: { url: "http://deployer/api", jsonPath: "$.versions[*]" }`,
    'spec.services[0].target.current.jsonPath: "$.versions[*]" is not a JSON path of the supported form at "[*]": use .name, [0] or [\'key\'] after $ (no wildcards or filters), e.g. "$.items[0].sku"',
  ],
  [
    'a JSON path without $',
    `kind: http\n${DEPLOY}\ncurrent: { url: "http://deployer/api", jsonPath: "version" }`,
    'spec.services[0].target.current.jsonPath: "version" is not a JSON path: it must start with $, e.g. "$.id" or "$.items[0].sku"',
  ],
  [
    'both json and body',
    `kind: http\ndeploy: { url: "http://deployer/api", json: { v: 1 }, body: "v=1" }\n${CURRENT}`,
    'spec.services[0].target.deploy.body: give json or body, not both',
  ],
  [
    'a GET with a body',
    `kind: http\ndeploy: { method: GET, url: "http://deployer/api", body: "v=1" }\n${CURRENT}`,
    'spec.services[0].target.deploy.body: a GET request has no body: use POST, PUT or PATCH',
  ],
  [
    'an unknown placeholder',
    `kind: http\ndeploy: { url: "http://deployer/api", json: { v: "{{ver}}" } }\n${CURRENT}`,
    'spec.services[0].target.deploy.json.v: {{ver}} is not a placeholder: use {{version}}, {{previousVersion}}, {{service}}, {{releaseId}}, {{environment}}',
  ],
  [
    'the version in current',
    `kind: http\n${DEPLOY}\ncurrent: { url: "http://deployer/api/{{version}}" }`,
    'spec.services[0].target.current.url: {{version}} is not known here (only {{service}}, {{releaseId}}, {{environment}}): the version is not known when it is read',
  ],
  [
    'a bad environment reference in a header',
    `kind: http\ndeploy: { url: "http://deployer/api", headers: { Authorization: "Bearer \${1TOKEN}" } }\n${CURRENT}`,
    'spec.services[0].target.deploy.headers.Authorization: ${1TOKEN} is not an environment variable: names are letters, digits and _, e.g. ${DEPLOY_TOKEN}',
  ],
  [
    'an Idempotency-Key header of its own',
    `kind: http\ndeploy: { url: "http://deployer/api", headers: { Idempotency-Key: abc } }\n${CURRENT}`,
    "spec.services[0].target.deploy.headers.Idempotency-Key: Idempotency-Key is set by Lockstep: every request carries the step's idempotency key",
  ],
  [
    'an await that awaits nothing',
    `kind: http\n${DEPLOY}\n${CURRENT}\nawait: { url: "http://deployer/api/rollout", until: {} }`,
    'spec.services[0].target.await.until: must give status or json (or both)',
  ],
  [
    'no current',
    `kind: http\n${DEPLOY}`,
    'spec.services[0].target.current: is required',
  ],
])('%s', (_what, target, message) => {
  expect(problems(target)).toEqual([message]);
});

test('a deploy given as a string', () => {
  expect(problems(`kind: http\ndeploy: "http://deployer/api"\n${CURRENT}`)).toEqual([
    'spec.services[0].target.deploy: must be an object such as { url: "http://deployer.internal/api/payments", json: { version: "{{version}}" } }',
  ]);
});
