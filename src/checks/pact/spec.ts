/**
 * The `pact` check's block: the consumers' pacts (`<pacts>/<consumer>/<consumerVersion>/*.json`)
 * verified with the Pact Verifier against the provider as it runs. Default moment: after its
 * provider (checkKinds.ts). The manifest checks that `provider` names a service. Pure.
 */
import { z } from 'zod';
import { CHECK_BASE_FIELDS } from '../checkFields';

const required = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : what);

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: required(`must be an http(s) URL, e.g. "${example}"`) });

export const PactCheck = z.strictObject({
  ...CHECK_BASE_FIELDS,
  kind: z.literal('pact'),
  /** The service whose pacts are verified (pacts name it as provider.name). */
  provider: z.string({ error: required('must be the name of a service') }).min(1, 'must be the name of a service'),
  /** Where the provider answers in this environment; the Verifier replays each interaction there. */
  providerBaseUrl: httpUrl('http://127.0.0.1:7312'),
  /** The pacts' directory, relative to the manifest's directory: `<consumer>/<consumerVersion>/*.json`. */
  pacts: z
    .string({ error: required('must be a directory, e.g. "./pacts"') })
    .min(1, 'must be a directory, e.g. "./pacts"'),
  /**
   * Optional: the provider's state-change endpoint. The Verifier POSTs
   * `{"state", "params", "action": "setup"|"teardown"}` to it around each interaction that names a state.
   */
  providerStatesSetupUrl: httpUrl('http://127.0.0.1:7312/_pact/state').optional(),
});
export type PactCheck = z.infer<typeof PactCheck>;
