/**
 * Lines redrawn in place on a terminal: each draw moves the cursor up over the lines drawn before
 * (ESC[<n>A), clears and rewrites each line (ESC[2K), and clears what is left below (ESC[J) when
 * the new block is shorter. Only for a real terminal: see `isLiveTerminal`.
 */
export interface TerminalStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export const CURSOR_UP = (lines: number): string => `\x1b[${lines}A`;
export const CLEAR_LINE = '\x1b[2K';
export const CLEAR_BELOW = '\x1b[J';

/** A terminal that can redraw: a TTY, not in CI (CI=true or any value but false/0), not TERM=dumb. */
export function isLiveTerminal(stream: TerminalStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const inCi = env.CI !== undefined && env.CI !== '' && !['false', '0'].includes(env.CI.toLowerCase());
  return Boolean(stream.isTTY) && !inCi && env.TERM !== 'dumb';
}

export class LiveLines {
  private drawn = 0;

  constructor(private readonly stream: TerminalStream) {}

  /** Characters a line may have without wrapping (a wrapped line would break the next redraw). */
  get width(): number | undefined {
    return this.stream.columns ? Math.max(this.stream.columns - 1, 20) : undefined;
  }

  draw(lines: readonly string[]): void {
    let out = this.drawn > 0 ? `\r${CURSOR_UP(this.drawn)}` : '';
    for (const line of lines) out += `${CLEAR_LINE}${line}\n`;
    if (lines.length < this.drawn) out += CLEAR_BELOW;
    this.stream.write(out);
    this.drawn = lines.length;
  }
}
