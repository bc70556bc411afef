/**
 * `lockstep plan <manifest>`: the order services start in and the compensation order. With
 * `--live`, the release's preflight on a worker as well, touching nothing (src/cli/runLivePlan.ts).
 */
import type { Command } from 'commander';
import { loadManifest } from '../../manifest/loadManifest';
import { planRelease } from '../../plan/planRelease';
import { placeChecks } from '../../plan/checkPlacement';
import { withConnectionFlags } from '../connectionFlags';
import { runLivePlan, type LivePlanOptions } from '../runLivePlan';

export function registerPlan(program: Command): void {
  withConnectionFlags(
    program
      .command('plan')
      .description('validate a manifest and print the deploy order and the compensation order; with --live, a dry run of its preflight on a worker')
      .argument('<manifest>', 'manifest file (YAML or JSON)')
      .option('--json', 'print JSON')
      .option(
        '--live',
        "run the release's preflight on a worker, touching nothing: current -> target version per service, the programs checked, each check's verdict; exit 0 would start, 1 would be rejected",
      )
      .option('--task-queue <name>', 'with --live: task queue (default $LOCKSTEP_TASK_QUEUE or lockstep)'),
  )
    .addHelpText('after', '\nExamples:\n  $ lockstep plan examples/checkout.yaml\n  $ lockstep plan examples/checkout.yaml --live')
    .action(async (file: string, opts: LivePlanOptions & { live?: boolean }) => {
      if (opts.live) return runLivePlan(file, opts);
      const { manifest } = loadManifest(file);
      const plan = planRelease(manifest);
      const checks = placeChecks(manifest);
      if (opts.json) {
        console.log(JSON.stringify({ environment: manifest.metadata.environment, ...plan, checks }, null, 2));
        return;
      }
      console.log(`release ${manifest.metadata.id ?? '(id generated at start)'} to ${manifest.metadata.environment}: ${manifest.spec.services.length} services, at most ${manifest.spec.maxParallel} at once`);
      console.log('deploy order (each wave starts as its dependencies succeed; a wave runs concurrently):');
      plan.waves.forEach((wave, i) => console.log(`  wave ${i + 1}: ${wave.join(', ')}`));
      console.log('compensation order if the last service failed (newest first):');
      console.log(`  ${plan.compensationOrder.join(' -> ')}`);
      for (const gate of manifest.spec.gates) {
        console.log(`gate ${gate.name}: before ${gate.before.join(', ')}; approvers ${gate.approvers?.join(', ') ?? 'anyone'}; timeout ${gate.timeout}`);
      }
      if (checks.length > 0) console.log('checks:');
      for (const check of checks) console.log(`  ${check.name} (${check.kind}): ${check.description}`);
    });
}
