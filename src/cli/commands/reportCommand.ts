/** `lockstep report <release> --format md|json|text|svg [--out file]`: the report a CI job publishes, live while the release runs. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatReportMarkdown, formatReportText } from '../../release/formatReport';
import type { ReleaseReport } from '../../release/releaseReport';
import { EXIT_CODES } from '../../release/releaseStatus';
import { timelineSvg } from '../../release/timelineSvg';
import { CliError } from '../cliErrors';
import { withConnectionFlags, type ConnectionFlags } from '../connectionFlags';
import { findRelease, reportOf } from '../releaseLookup';

const FORMATS = ['md', 'json', 'text', 'svg'] as const;
type Format = (typeof FORMATS)[number];

function rendered(report: ReleaseReport, format: Format): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'svg') return timelineSvg(report);
  return `${format === 'md' ? formatReportMarkdown(report) : formatReportText(report)}\n`;
}

export function registerReport(program: Command): void {
  const command = withConnectionFlags(
    program
      .command('report')
      .description('the report of a release (live while it runs), as Markdown for a CI job summary (with a Mermaid gantt of its steps), JSON, text, or its timeline as SVG')
      .argument('<release>', 'release/<environment>/<id> or <environment>/<id>')
      .option('--format <md|json|text|svg>', 'output format; svg: the timeline (a row per service, a bar per step coloured by outcome)', 'md')
      .option('--json', 'print JSON (the same as --format json)')
      .option('--out <file>', 'write the output to this file instead of stdout'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lockstep report staging/checkout-42 --format md >> "$GITHUB_STEP_SUMMARY"\n  $ lockstep report staging/checkout-42 --json\n  $ lockstep report staging/checkout-42 --format svg --out checkout-42.svg',
    );
  command.action(async (ref: string, opts: ConnectionFlags & { format: string; json?: boolean; out?: string }) => {
    if (!(FORMATS as readonly string[]).includes(opts.format)) throw new CliError(`--format ${opts.format}: give md, json, text or svg`, EXIT_CODES.invalidInput);
    if (opts.json && command.getOptionValueSource('format') === 'cli' && opts.format !== 'json') {
      throw new CliError(`--json and --format ${opts.format} contradict each other; give one of them`, EXIT_CODES.invalidInput);
    }
    const format = opts.json ? 'json' : (opts.format as Format);
    const report: ReleaseReport = await reportOf(await findRelease(ref, opts));
    const output = rendered(report, format);
    if (opts.out === undefined) {
      process.stdout.write(output);
      return;
    }
    try {
      writeFileSync(opts.out, output);
    } catch (err) {
      throw new CliError(`--out ${opts.out}: cannot write it: ${(err as Error).message}`, EXIT_CODES.invalidInput);
    }
    console.log(`wrote the ${format} report of ${report.workflowId} to ${opts.out}`);
  });
}
