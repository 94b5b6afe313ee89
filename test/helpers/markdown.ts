/** Code blocks of the repository's Markdown, for tests that run the documentation as written. */

/** The first ```bash block after `heading` in `markdown`. */
export function bashBlockAfter(markdown: string, heading: string): string {
  const at = markdown.indexOf(heading);
  if (at < 0) throw new Error(`no heading "${heading}"`);
  const block = /```bash\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!block) throw new Error(`no bash block after "${heading}"`);
  return block[1]!;
}
