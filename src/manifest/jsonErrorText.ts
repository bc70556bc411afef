/** JSON.parse's error message, the same on every Node version. Pure. */

/**
 * JSON.parse's message with the line and column of its position, the same on every Node: Node 22+
 * adds ` (line 1 column 30)` itself, Node 20 gives the position only.
 */
export function jsonErrorWithLine(message: string, text: string): string {
  const bare = message.replace(/ \(line \d+ column \d+\)$/, '');
  const position = /at position (\d+)/.exec(bare);
  if (!position) return bare;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${bare} (line ${line} column ${column})`;
}

