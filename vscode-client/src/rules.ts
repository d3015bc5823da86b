// The rule documents bundled with the extension (rules/LWxxx.md). No `vscode` import.

export interface RuleDoc {
  code: string;
  name: string;
  summary: string;
  fileName: string;
}

const TITLE = /^#\s+(LW\d{3})\s+([a-z0-9-]+)\s*$/;

/** Reads the title line (`# LW701 add-instead-of-copy`) and the one-line summary under it. */
export function parseRuleDoc(fileName: string, text: string): RuleDoc | undefined {
  const lines = text.split(/\r?\n/);
  const titleIndex = lines.findIndex((line) => line.trim() !== '');
  if (titleIndex < 0) {
    return undefined;
  }
  const match = TITLE.exec(lines[titleIndex].trim());
  if (!match) {
    return undefined;
  }
  const summary = lines.slice(titleIndex + 1).find((line) => line.trim() !== '' && !line.startsWith('|') && !line.startsWith('#'));
  return { code: match[1], name: match[2], summary: summary?.trim() ?? '', fileName };
}

/** Rule documents sorted by code; files that are not rule documents are skipped. */
export function ruleIndex(files: ReadonlyArray<{ fileName: string; text: string }>): RuleDoc[] {
  return files
    .filter((f) => /^LW\d{3}\.md$/.test(f.fileName))
    .map((f) => parseRuleDoc(f.fileName, f.text))
    .filter((doc): doc is RuleDoc => doc !== undefined)
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** A diagnostic code from the server as a rule code, or undefined (`{value, target}` or a string). */
export function ruleCodeOf(code: unknown): string | undefined {
  const value = code !== null && typeof code === 'object' && 'value' in code ? (code as { value: unknown }).value : code;
  return typeof value === 'string' && /^LW\d{3}$/.test(value) ? value : undefined;
}
