/** The synthetic check's block in a manifest: bad input named by field path with a clear message. */
import { Manifest } from '../../src/manifest/schema';
import { formatManifestErrors } from '../../src/manifest/manifestErrors';
import { formatJsonPath, parseJsonPath } from '../../src/checks/synthetic/spec';

function manifest(check: Record<string, unknown>) {
  return {
    apiVersion: 'lockstep/v1',
    kind: 'Release',
    metadata: { environment: 'staging' },
    spec: {
      services: [{ name: 'orders', version: '2.0.0', target: { kind: 'simulated' } }],
      checks: [{ name: 'checkout-flow', kind: 'synthetic', ...check }],
    },
  };
}

function problems(check: Record<string, unknown>): string[] {
  const parsed = Manifest.safeParse(manifest(check));
  if (parsed.success) throw new Error('expected the manifest to be rejected');
  return formatManifestErrors(parsed.error);
}

const ORDERS = 'http://127.0.0.1:7313/orders';

test('a valid block gets its defaults: GET, status 200', () => {
  const parsed = Manifest.parse(
    manifest({
      steps: [
        { request: { method: 'POST', url: ORDERS, json: { item: 'book' } }, expect: { status: 201 }, capture: { orderId: '$.id' } },
        { request: { url: `${ORDERS}/{{orderId}}` }, expect: { json: { state: 'paid', by: '{{version.payments}}' }, maxLatency: '500ms' } },
      ],
    }),
  );
  const check = parsed.spec.checks[0]!;
  expect(check.kind).toBe('synthetic');
  if (check.kind !== 'synthetic') return;
  expect(check.steps[1]).toEqual({
    request: { method: 'GET', url: `${ORDERS}/{{orderId}}` },
    expect: { status: 200, json: { state: 'paid', by: '{{version.payments}}' }, maxLatency: '500ms' },
  });
  expect(check.steps[0]!.expect).toEqual({ status: 201 });
});

test('no steps', () => {
  expect(problems({ steps: [] })).toEqual(['spec.checks[0].steps: must have at least one step']);
});

test('a URL that is not http(s)', () => {
  expect(problems({ steps: [{ request: { url: 'ftp://127.0.0.1/orders' } }] })).toEqual([
    'spec.checks[0].steps[0].request.url: must be an http(s) URL, e.g. "http://127.0.0.1:7313/orders" (got "ftp://127.0.0.1/orders")',
  ]);
  expect(problems({ steps: [{ request: { url: 'orders' } }] })).toEqual([
    'spec.checks[0].steps[0].request.url: must be an http(s) URL, e.g. "http://127.0.0.1:7313/orders" (got "orders")',
  ]);
});

test('capture paths outside the supported JSON path subset, and bad capture names', () => {
  expect(problems({ steps: [{ request: { url: ORDERS }, capture: { orderId: 'id', all: '$.items[*].sku', 'order id': '$.id', version: '$.v' } }] })).toEqual([
    'spec.checks[0].steps[0].capture.orderId: "id" is not a JSON path: it must start with $, e.g. "$.id" or "$.items[0].sku"',
    `spec.checks[0].steps[0].capture.all: "$.items[*].sku" is not a JSON path of the supported form at "[*].sku": use .name, [0] or ['key'] after $ (no wildcards or filters), e.g. "$.items[0].sku"`,
    'spec.checks[0].steps[0].capture.order id: "order id" is not a capture name: use letters, digits and _ (e.g. orderId)',
    'spec.checks[0].steps[0].capture.version: "version" is reserved for {{version.<service>}}',
  ]);
});

test('a template must name a capture of an earlier step or a service version', () => {
  expect(
    problems({
      steps: [
        { request: { url: `${ORDERS}/{{orderId}}` } },
        { request: { method: 'POST', url: ORDERS, json: { note: '{{ not a name }}' } }, capture: { orderId: '$.id' } },
      ],
    }),
  ).toEqual([
    'spec.checks[0].steps[0].request.url: {{orderId}} is not captured by an earlier step (captured before this step: nothing)',
    'spec.checks[0].steps[1].request.json.note: {{ not a name }} is not a variable: write {{name}} (captured by an earlier step) or {{version.<service>}}',
  ]);
});

test('a body on a GET, an unknown method, a status that is not a number', () => {
  expect(
    problems({ steps: [{ request: { url: ORDERS, json: { item: 'book' } } }, { request: { method: 'get', url: ORDERS }, expect: { status: '200' } }] }),
  ).toEqual([
    'spec.checks[0].steps[0].request.json: a GET request has no body: use POST, PUT or PATCH',
    'spec.checks[0].steps[1].request.method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'spec.checks[0].steps[1].expect.status: must be an HTTP status, e.g. 201',
  ]);
});

test('the JSON path subset: keys, indices, quoted keys; printed back the same way', () => {
  expect(parseJsonPath('$')).toEqual({ segments: [] });
  expect(parseJsonPath(`$.items[0]['unit price']["x"].sku_2`)).toEqual({ segments: ['items', 0, 'unit price', 'x', 'sku_2'] });
  expect(formatJsonPath(['items', 0, 'unit price'])).toBe(`$.items[0]['unit price']`);
  expect(parseJsonPath('$..id')).toHaveProperty('error');
  expect(parseJsonPath('$.items[01]')).toHaveProperty('error');
});
