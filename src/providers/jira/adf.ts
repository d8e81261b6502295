/**
 * Plain/Markdown-ish text to an Atlassian Document Format document (Jira REST v3 requires ADF for
 * descriptions and comments). Pure. Code fences become codeBlock nodes, paragraphs keep line breaks.
 */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: { type: string }[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

function paragraph(text: string): AdfNode {
  const content: AdfNode[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    if (line) content.push({ type: 'text', text: line });
  });
  return { type: 'paragraph', content };
}

/**
 * @example
 * toAdf('Failed\n\n```\nerr\n```') // { type: 'doc', version: 1, content: [paragraph 'Failed', codeBlock 'err'] }
 */
export function toAdf(text: string, footer?: string): AdfDoc {
  const content: AdfNode[] = [];
  text.split(/^```[a-z0-9_-]*\s*$/im).forEach((part, i) => {
    if (i % 2 === 1) {
      const code = part.replace(/^\n|\n$/g, '');
      content.push({ type: 'codeBlock', content: code ? [{ type: 'text', text: code }] : [] });
      return;
    }
    for (const para of part.split(/\n{2,}/)) if (para.trim()) content.push(paragraph(para.trim()));
  });
  if (footer) content.push({ type: 'paragraph', content: [{ type: 'text', text: footer, marks: [{ type: 'em' }] }] });
  if (content.length === 0) content.push({ type: 'paragraph', content: [] });
  return { type: 'doc', version: 1, content };
}

/** All text of an ADF document, for marker lookups. */
export function adfText(node: AdfNode | AdfDoc | null | undefined): string {
  if (!node) return '';
  const own = 'text' in node && node.text ? node.text : '';
  return own + (node.content ?? []).map((c) => adfText(c)).join('\n');
}
