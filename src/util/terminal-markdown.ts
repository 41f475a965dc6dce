/**
 * A rule's Markdown page for the terminal (`piilint explain`): headings stand out, code blocks are
 * indented without their fences, inline code and links lose their markup. Colour only when asked
 * (a terminal without NO_COLOR); the plain rendering reads well in a pipe or a log.
 */
const style = (open: number, close: number, on: boolean) => (text: string) =>
  on ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function renderMarkdown(markdown: string, color: boolean): string {
  const bold = style(1, 22, color);
  const underline = style(4, 24, color);
  const code = style(36, 39, color);
  const out: string[] = [];
  let fence: string | undefined;
  let inList = false;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const fenceMatch = /^(```+|~~~+)\s*(\S*)/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && line.startsWith(fence)) fence = undefined;
      else out.push(`    ${code(line)}`);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = inline(heading[2] ?? '', code, bold);
      if (heading[1] === '#') {
        out.push(bold(underline(text)));
        if (!color) out.push('='.repeat(visibleLength(text)));
      } else {
        out.push(bold(text));
        if (!color) out.push('-'.repeat(visibleLength(text)));
      }
      continue;
    }
    const bullet = /^(\s*)[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ''}  • ${inline(bullet[2] ?? '', code, bold)}`);
      inList = true;
      continue;
    }
    // A list item's continuation lines line up with its text, after the bullet.
    if (inList && /^\s+\S/.test(line)) {
      out.push(`  ${inline(line, code, bold)}`);
      continue;
    }
    inList = false;
    out.push(inline(line, code, bold));
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function inline(
  text: string,
  code: (text: string) => string,
  bold: (text: string) => string,
): string {
  return text
    .replace(/`([^`]+)`/g, (_, inner: string) => code(inner))
    .replace(/\*\*([^*]+)\*\*/g, (_, inner: string) => bold(inner))
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
