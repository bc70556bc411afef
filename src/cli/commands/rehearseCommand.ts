/** `lockstep rehearse <manifest>`: the real release workflow against simulated targets; touches nothing. */
import type { Command } from 'commander';
import { loadManifest } from '../../manifest/loadManifest';
import { parseDuration } from '../../manifest/duration';
import { createLogger } from '../../logging/logger';
import { installRuntimeLogger } from '../../../workers/main';
import { EXIT_CODES } from '../../release/releaseStatus';
import { describeOptions, parseFailure, RehearsalOptionError, type RehearsalOptions } from '../../rehearsal/rehearsalManifest';
import { runRehearsal } from '../../rehearsal/runRehearsal';
import { formatRehearsal, rehearsalPhases, rehearsalTimeline } from '../../rehearsal/formatRehearsal';
import { CliError } from '../cliErrors';

interface RehearseFlags {
  fail: string[];
  latency: string;
  probeLatency?: string;
  jitter?: boolean | string;
  json?: boolean;
}

function durationFlag(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms > 3_600_000) throw new CliError(`--${name} ${value}: give a duration such as 300ms or 2s (at most 1h)`, EXIT_CODES.invalidInput);
  return ms;
}

export function registerRehearse(program: Command): void {
  program
    .command('rehearse')
    .description('rehearse a release: the real workflow and dependency graph with simulated targets; nothing real is touched')
    .argument('<manifest>', 'manifest file (YAML or JSON)')
    .option('--fail <service:step>', 'inject a failure (step: deploy, probe, rollback, current), or check:<name> to fail a check; repeatable', (v: string, acc: string[]) => [...acc, v], [])
    .option('--latency <duration>', 'simulated time of each deploy and rollback', '300ms')
    .option('--probe-latency <duration>', 'simulated time of each health probe (default: a third of --latency)')
    .option('--jitter [fraction]', 'vary each step by up to this fraction (default 0.2 when given)')
    .option('--json', 'print JSON: the report, the timeline and the phases')
    .addHelpText('after', '\nExamples:\n  $ lockstep rehearse examples/checkout.yaml --fail orders:probe\n  $ lockstep rehearse examples/checkout.yaml --fail payments:deploy --fail orders:rollback --latency 1s --jitter')
    .action(async (file: string, flags: RehearseFlags) => {
      const loaded = loadManifest(file);
      let opts: RehearsalOptions;
      try {
        const latencyMs = durationFlag('latency', flags.latency);
        const jitter = flags.jitter === undefined ? 0 : flags.jitter === true ? 0.2 : Number(flags.jitter);
        if (!(jitter >= 0 && jitter <= 1)) throw new CliError(`--jitter ${String(flags.jitter)}: give a fraction between 0 and 1`, EXIT_CODES.invalidInput);
        opts = {
          latencyMs,
          probeLatencyMs: flags.probeLatency !== undefined ? durationFlag('probe-latency', flags.probeLatency) : Math.round(latencyMs / 3),
          jitter,
          failures: flags.fail.map((f) => parseFailure(f, loaded.manifest)),
        };
      } catch (err) {
        if (err instanceof RehearsalOptionError) throw new CliError(err.message, EXIT_CODES.invalidInput);
        throw err;
      }
      const logger = createLogger({ component: 'rehearse' });
      logger.level = process.env.LOCKSTEP_LOG_LEVEL ?? 'error';
      installRuntimeLogger(logger);
      const report = await runRehearsal(loaded, opts, logger);
      const skippedGates = loaded.manifest.spec.gates.map((g) => `${g.name} (would wait for approval before ${g.before.join(', ')})`);
      if (flags.json) {
        console.log(JSON.stringify({ rehearsal: true, touched: [], options: opts, skippedGates, timeline: rehearsalTimeline(report), phases: rehearsalPhases(report), report }, null, 2));
      } else {
        console.log(
          formatRehearsal(report, [
            `REHEARSAL of ${loaded.file}: simulated targets and probes; nothing real was touched.`,
            `  ${loaded.manifest.spec.services.length} services in ${loaded.manifest.metadata.environment}, at most ${loaded.manifest.spec.maxParallel} at once`,
            `  ${describeOptions(opts)}`,
            ...(skippedGates.length ? [`  approval gates skipped: ${skippedGates.join('; ')}`] : []),
          ]),
        );
      }
      process.exitCode = EXIT_CODES[report.status as 'Succeeded' | 'RolledBack' | 'Rejected' | 'RollbackFailed'] ?? 1;
    });
}
