/** `lockstep report <release> --format md|json|text`: the report a CI job publishes, live while the release runs. */
import type { Command } from 'commander';
import { formatReportMarkdown, formatReportText } from '../../release/formatReport';
import type { ReleaseReport } from '../../release/releaseReport';
import { EXIT_CODES } from '../../release/releaseStatus';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { findRelease, reportOf } from '../releaseLookup';

const FORMATS = ['md', 'json', 'text'] as const;

export function registerReport(program: Command): void {
  const command = withConnectionFlags(
    program
      .command('report')
      .description('the report of a release (live while it runs), as Markdown for a CI job summary, JSON or text')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .option('--format <md|json|text>', 'output format', 'md')
      .option('--json', 'print JSON (the same as --format json)'),
  )
    .addHelpText('after', '\nExamples:\n  $ lockstep report staging/checkout-42 --format md >> "$GITHUB_STEP_SUMMARY"\n  $ lockstep report staging/checkout-42 --json');
  command.action(async (ref: string, opts: ConnectionFlags & { format: string; json?: boolean }) => {
    if (!(FORMATS as readonly string[]).includes(opts.format)) throw new CliError(`--format ${opts.format}: give md, json or text`, EXIT_CODES.invalidInput);
    if (opts.json && command.getOptionValueSource('format') === 'cli' && opts.format !== 'json') {
      throw new CliError(`--json and --format ${opts.format} contradict each other; give one of them`, EXIT_CODES.invalidInput);
    }
    const format = opts.json ? 'json' : opts.format;
    const report: ReleaseReport = await reportOf(await findRelease(ref, opts));
    console.log(format === 'json' ? JSON.stringify(report, null, 2) : format === 'md' ? formatReportMarkdown(report) : formatReportText(report));
  });
}
