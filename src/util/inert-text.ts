/**
 * Every string in a report may come from the scanned repository: a table name, a file name, a
 * config key, a line of code. A pull request from a stranger chooses them, so before they reach a
 * terminal, a CI log or GitHub they are made inert here: control characters (ESC starting a colour,
 * cursor move or OSC hyperlink; CR and LF starting a new line that the runner would read as a
 * workflow command) and the bidirectional controls that reorder what a reviewer sees are shown as
 * escapes (`\x1b`, `\n`, `\u202e`) instead of acting.
 *
 * The Actions runner also reads any line whose text starts with `::` (after spaces) and any line
 * holding `##[name]` as a workflow command, so those are escaped too: `\x3a:` and `##\x5b`.
 *
 * Formats add their own layer on top (Markdown, workflow commands); JSON and SARIF escape through
 * JSON.stringify, which already keeps them valid.
 */

/**
 * C0 controls but tab, DEL, C1 controls (0x9b is a one-byte CSI), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_TAB = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of plain text that cannot act on a terminal or a log: tabs stay, other controls show escaped. */
export function inertText(value: string): string {
  return noWorkflowCommand(value.replace(UNSAFE, escapeOne));
}

/** As {@link inertText}, tabs escaped too: for one-line places such as a stderr message or a table cell. */
export function inertLine(value: string): string {
  return noWorkflowCommand(value.replace(UNSAFE_OR_TAB, escapeOne));
}

/** `::name::` at the start (a report line may start with a file name) and `##[name]` anywhere. */
function noWorkflowCommand(value: string): string {
  return value.replace(/^(\s*):(?=:)/, '$1\\x3a').replace(/##\[/g, '##\\x5b');
}
