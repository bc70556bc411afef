/**
 * The lines of a manifest around a position, numbered, with a caret under the column: what a YAML
 * error points at, e.g.
 *     8 |   - name: orders
 *     9 | 	version: 2
 *       | ^
 * The line before the offending one is shown too: an error found at the start of a line (an
 * unclosed bracket, a bad indent) is often caused by the line above. Pure.
 */
const MAX_WIDTH = 120;

/** `line` and `col` count from 1, as the YAML parser reports them. */
export function sourceExcerpt(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const numberWidth = String(line).length;
  const gutter = (n: number | '') => `  ${String(n).padStart(numberWidth)} |`;
  const shown: string[] = [];
  if (line >= 2 && lines[line - 2]!.trim() !== '') shown.push(`${gutter(line - 1)} ${clip(lines[line - 2]!, 0).text}`);
  const offending = lines[line - 1];
  // the empty "line" after the last newline: the parser reached the end of the file
  if (offending === undefined || (offending === '' && line === lines.length)) {
    shown.push(`${gutter(line)} (end of file)`);
    return shown.join('\n');
  }
  const { text: visible, start } = clip(offending, col - 1);
  shown.push(`${gutter(line)} ${visible}`.trimEnd());
  // the caret's indent copies the tabs of the line, so it lands under the column however tabs are shown
  const before = visible.slice(0, Math.max(0, col - 1 - start)).replace(/[^\t]/g, ' ');
  shown.push(`${gutter('')} ${before}^`);
  return shown.join('\n');
}

/** At most MAX_WIDTH characters of a line, a window around `index` when the line is longer. */
function clip(line: string, index: number): { text: string; start: number } {
  if (line.length <= MAX_WIDTH) return { text: line, start: 0 };
  const start = Math.max(0, Math.min(index - MAX_WIDTH / 2, line.length - MAX_WIDTH));
  const prefix = start > 0 ? '…' : '';
  const suffix = start + MAX_WIDTH < line.length ? '…' : '';
  return { text: `${prefix}${line.slice(start, start + MAX_WIDTH)}${suffix}`, start: start - prefix.length };
}
