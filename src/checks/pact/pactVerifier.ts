/**
 * The Pact Verifier (pact-core's, the Rust FFI verifier every Pact JS version runs) replaying pact
 * files against a running provider, and what it found in Pact's own words.
 *
 * Why pact-core and not `Verifier` from @pact-foundation/pact: that one puts an http-proxy in front
 * of the provider whose errors have no listener, so a provider that refuses connections
 * (ECONNREFUSED) crashes the whole process (seen with pact 16.5.0). pact-core's verifier calls the
 * provider itself and reports `error sending request for url (...)` as a failure.
 */
import { z } from 'zod';

export interface PactVerificationRequest {
  /** The provider's name (the pacts' provider.name). */
  provider: string;
  providerBaseUrl: string;
  /** Pact files to verify (absolute paths). */
  files: string[];
  providerStatesSetupUrl?: string;
  /** Each request to the provider gives up after this long. */
  requestTimeoutMs: number;
}

export interface PactVerification {
  passed: boolean;
  /** How many interactions the Verifier replayed. */
  interactions: number;
  /** Pact's own text per failure, e.g. `a payment: $.amount -> Expected '9.5' (String) to be a decimal number`. */
  failures: string[];
}

const VerifierMismatch = z.object({
  path: z.string().optional(),
  mismatch: z.string().optional(),
});
/** The JSON the verifier returns (pactffi_verifier_json): on success, and as the message of its rejection. */
const VerifierResult = z.object({
  result: z.boolean(),
  errors: z
    .array(
      z.object({
        interaction: z.string().default(''),
        mismatch: z
          .object({ message: z.string().optional(), mismatches: z.array(VerifierMismatch).optional() })
          .optional(),
      }),
    )
    .default([]),
  interactionResults: z.array(z.unknown()).default([]),
});
type VerifierResult = z.infer<typeof VerifierResult>;

let pactCore: Promise<typeof import('@pact-foundation/pact-core')> | undefined;

/** Loads the native library on first use (not when a worker imports the check kinds); no usage tracking. */
function loadPactCore(): Promise<typeof import('@pact-foundation/pact-core')> {
  // read by the native library when it runs: no anonymous metrics sent to Pact's analytics
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  pactCore ??= import('@pact-foundation/pact-core');
  return pactCore;
}

/** Runs the Verifier over the files; resolves with what it found (a failing provider is not an error). */
export async function verifyPactFiles(request: PactVerificationRequest): Promise<PactVerification> {
  const core = (await loadPactCore()).default;
  let json: string;
  try {
    json = await core.verifyPacts({
      provider: request.provider,
      providerBaseUrl: request.providerBaseUrl,
      pactUrls: request.files,
      ...(request.providerStatesSetupUrl ? { providerStatesSetupUrl: request.providerStatesSetupUrl } : {}),
      timeout: request.requestTimeoutMs,
      logLevel: 'error',
    });
  } catch (err) {
    // a failed verification rejects with an Error whose message is the verifier's result JSON
    const message = err instanceof Error ? err.message : String(err);
    const result = parseResult(message);
    if (result) return describe(result);
    return { passed: false, interactions: 0, failures: [`the Pact Verifier could not run: ${message}`] };
  }
  const result = parseResult(json);
  return result ? describe(result) : { passed: true, interactions: 0, failures: [] };
}

function parseResult(text: string): VerifierResult | undefined {
  try {
    const parsed = VerifierResult.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function describe(result: VerifierResult): PactVerification {
  const failures = result.errors.map((error) => {
    // "Verifying a pact between billing and payments Given payment 42 exists - a payment"
    const interaction = error.interaction.replace(/^Verifying a pact between \S+ and \S+ (- )?/, '');
    const mismatches = error.mismatch?.mismatches?.map((m) => (m.path ? `${m.path} -> ${m.mismatch ?? ''}` : (m.mismatch ?? '')));
    const details = mismatches?.length ? mismatches.join('; ') : (error.mismatch?.message ?? 'failed');
    return interaction ? `${interaction}: ${details}` : details;
  });
  return { passed: result.result && failures.length === 0, interactions: result.interactionResults.length, failures };
}
