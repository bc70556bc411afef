/**
 * The `pact` check: every consumer of the provider has its pact, at the version it runs once the
 * release succeeds, verified by the Pact Verifier against the provider as it runs now.
 *
 * The consumers: every manifest service with a folder under `pacts` holding, at some version, a
 * pact whose provider is this one, and every service that dependsOn the provider. A pact whose
 * consumer or provider is not a manifest service is never looked at. One finding per consumer.
 */
import { stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { CheckContext, CheckFinding, CheckOutcome, CheckRunner } from '../check';
import { summarise } from '../check';
import { type PactLayout, readPactLayout } from './pactDirectory';
import { verifyPactFiles, type PactVerification } from './pactVerifier';
import type { PactCheck } from './spec';

const HEARTBEAT_MS = 5_000;
/** The verifier's own limit per request; the check's timeout still bounds the whole run. */
const MAX_REQUEST_TIMEOUT_MS = 30_000;
/** Pact's text in a finding: enough for the mismatching fields, short enough for a report line. */
const MAX_MESSAGE = 400;

export function createPactCheck(spec: PactCheck, opts: { timeoutMs: number }): CheckRunner {
  return {
    async run(ctx: CheckContext): Promise<CheckOutcome> {
      ctx.signal.throwIfAborted();
      const dir = resolve(ctx.baseDir, spec.pacts);
      const shown = (path: string) => join(spec.pacts, relative(dir, path));
      const fail = (message: string): CheckOutcome => ({
        status: 'failed',
        summary: message,
        findings: [{ item: spec.pacts, status: 'failed', message }],
      });

      const kind = await stat(dir).then((s) => (s.isDirectory() ? 'dir' : 'other'), () => 'missing' as const);
      if (kind !== 'dir') return fail(`pacts directory ${dir} ${kind === 'missing' ? 'does not exist' : 'is not a directory'}`);

      const services = new Set(ctx.services.map((s) => s.name));
      services.delete(spec.provider);
      let layout: PactLayout;
      try {
        layout = await readPactLayout(dir, services);
      } catch (err) {
        return fail(`cannot read ${dir}: ${(err as Error).message}`);
      }

      const consumers = consumersOf(spec.provider, ctx, layout);
      if (consumers.length === 0) {
        return { status: 'passed', summary: `no service consumes ${spec.provider} (no pact names it in ${spec.pacts})`, findings: [] };
      }
      const findings: CheckFinding[] = [];
      for (const consumer of consumers) {
        ctx.signal.throwIfAborted();
        ctx.heartbeat();
        const version = ctx.versions[consumer];
        const item = `${consumer} ${version ?? '(version unknown)'} -> ${spec.provider}`;
        if (version === undefined) {
          findings.push({ item, status: 'failed', message: `the version of ${consumer} that runs after the release is not known` });
          continue;
        }
        const entries = layout.get(consumer)?.get(version) ?? [];
        const problems: string[] = [];
        const files: string[] = [];
        for (const entry of entries) {
          if (entry.kind === 'unreadable') problems.push(`${shown(entry.path)}: ${entry.problem}`);
          else if (entry.provider !== spec.provider) continue; // another provider's pact, or one not in the manifest
          else if (entry.consumer !== consumer) {
            problems.push(`${shown(entry.path)} is the pact of consumer "${entry.consumer}", found in ${consumer}'s folder`);
          } else files.push(entry.path);
        }
        if (problems.length > 0) {
          findings.push({ item, status: 'failed', message: truncate(problems.join('; ')) });
        } else if (files.length === 0) {
          findings.push({ item, status: 'failed', message: `no pact for provider ${spec.provider} in ${join(spec.pacts, consumer, version)}` });
        } else {
          const verification = await untilAborted(
            verifyPactFiles({
              provider: spec.provider,
              providerBaseUrl: spec.providerBaseUrl,
              files,
              ...(spec.providerStatesSetupUrl ? { providerStatesSetupUrl: spec.providerStatesSetupUrl } : {}),
              requestTimeoutMs: Math.min(opts.timeoutMs, MAX_REQUEST_TIMEOUT_MS),
            }),
            ctx,
          );
          findings.push(describeVerification(item, verification, files, ctx.versions[spec.provider]));
        }
      }
      return summarise(findings, 'consumer pacts');
    },
  };
}

/** Services that dependsOn the provider, and those whose folder holds a pact naming it at some version. */
function consumersOf(provider: string, ctx: CheckContext, layout: PactLayout): string[] {
  const consumers = new Set(ctx.services.filter((s) => s.name !== provider && s.dependsOn.includes(provider)).map((s) => s.name));
  for (const [consumer, versions] of layout) {
    const current = ctx.versions[consumer];
    for (const [version, entries] of versions) {
      // a file that is not a pact may be this provider's: it counts where it would be verified
      if (entries.some((e) => (e.kind === 'pact' ? e.provider === provider : version === current))) consumers.add(consumer);
    }
  }
  return [...consumers].sort();
}

function describeVerification(item: string, verification: PactVerification, files: string[], providerVersion: string | undefined): CheckFinding {
  const against = providerVersion ? ` against ${providerVersion}` : '';
  const names = files.map((f) => basename(f)).join(', ');
  if (verification.passed) {
    return { item, status: 'passed', message: `${verification.interactions} interaction${verification.interactions === 1 ? '' : 's'} verified${against} (${names})` };
  }
  return { item, status: 'failed', message: truncate(verification.failures.join('; ') || `the Pact Verifier failed${against} (${names})`) };
}

/**
 * The verifier (native code) cannot be interrupted: on abort, stop waiting and reject; it finishes
 * on its own within its request timeout. Heartbeats while it runs.
 */
async function untilAborted<T>(work: Promise<T>, ctx: CheckContext): Promise<T> {
  const beating = setInterval(ctx.heartbeat, HEARTBEAT_MS);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(ctx.signal.reason);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined); // a late failure after an abort is nobody's to handle
  try {
    return await Promise.race([work, aborted]);
  } finally {
    clearInterval(beating);
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
  }
}

function truncate(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}
