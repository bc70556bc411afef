/** `lockstep plan <manifest>`: the order services start in and the compensation order. */
import type { Command } from 'commander';
import { loadManifest } from '../../manifest/loadManifest';
import { planRelease } from '../../plan/planRelease';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('validate a manifest and print the deploy order and the compensation order')
    .argument('<manifest>', 'manifest file (YAML or JSON)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ lockstep plan examples/checkout.yaml')
    .action((file: string, opts: { json?: boolean }) => {
      const { manifest } = loadManifest(file);
      const plan = planRelease(manifest);
      if (opts.json) {
        console.log(JSON.stringify({ environment: manifest.metadata.environment, ...plan }, null, 2));
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
    });
}
