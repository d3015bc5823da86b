// Settings as the extension reads them: which value applies (workspace trust), how a
// command-valued setting is cleaned up, and which keys belong to the server.
// No `vscode` import: everything here is unit-tested under plain Node.

/**
 * The layerwise settings that the language server interprets (it ignores the rest). The
 * `format.*` ones are sent under their dotted names, which the server accepts as they are.
 */
export const LINT_KEYS = ['select', 'extendSelect', 'ignore', 'severity', 'unsafeFixes', 'format.keywordCase', 'format.multiLine'] as const;

/** Settings that decide which program runs: restricted in untrusted workspaces. */
export const RESTRICTED_KEYS = ['interpreter', 'serverCommand'] as const;

/** Shape of `WorkspaceConfiguration.inspect()` that matters here. */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value that applies. In a trusted workspace that is VS Code's usual precedence
 * (folder, workspace, user, default); in an untrusted one the workspace could name any
 * program to run, so only the user's own value (or the default) counts.
 */
export function effectiveValue<T>(inspected: Inspected<T> | undefined, trusted: boolean): T | undefined {
  if (!inspected) {
    return undefined;
  }
  if (trusted) {
    return (
      inspected.workspaceFolderValue ??
      inspected.workspaceValue ??
      inspected.globalValue ??
      inspected.defaultValue
    );
  }
  return inspected.globalValue ?? inspected.defaultValue;
}

/** True when an untrusted workspace sets a value that is being ignored. */
export function ignoresWorkspaceValue(inspected: Inspected<unknown> | undefined, trusted: boolean): boolean {
  if (trusted || !inspected) {
    return false;
  }
  return isSet(inspected.workspaceValue) || isSet(inspected.workspaceFolderValue);
}

function isSet(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value === 'string' || Array.isArray(value)) {
    return value.length > 0;
  }
  return true;
}

export interface CommandSetting {
  /** The command, program first; undefined when the setting is unset or invalid. */
  command?: string[];
  /** Why the value was rejected (for the output channel). */
  problem?: string;
}

/**
 * Cleans up a setting that names a program: a string, or a list of strings whose first item
 * is the program. Empty values mean "unset"; anything else malformed is rejected with a reason.
 */
export function toCommand(value: unknown, key: string): CommandSetting {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed ? { command: [trimmed] } : {};
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return {};
    }
    if (!value.every((item) => typeof item === 'string')) {
      return { problem: `${key} must be a string or a list of strings` };
    }
    const items = (value as string[]).map((item, index) => (index === 0 ? item.trim() : item));
    if (!items[0]) {
      return { problem: `${key}: the first item (the program) is empty` };
    }
    return { command: items };
  }
  return { problem: `${key} must be a string or a list of strings, not ${typeof value}` };
}

export interface Variables {
  workspaceFolder?: string;
  userHome: string;
  env: Record<string, string | undefined>;
}

/** Expands `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function expandVariables(arg: string, vars: Variables): string {
  let out = arg.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
    if (envName !== undefined) {
      return vars.env[envName] ?? '';
    }
    if (name === 'userHome') {
      return vars.userHome;
    }
    return vars.workspaceFolder ?? whole;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = vars.userHome + out.slice(1);
  }
  return out;
}

/**
 * The lint settings the user actually set (user, workspace or folder level), for the server.
 * Defaults are left out on purpose: the server layers editor settings over the project's
 * layerwise.toml / .hadolint.yaml, so sending VS Code's defaults (`select: []`,
 * `unsafeFixes: false`) would silently override what the project configured.
 * Values are passed as they are; the server validates them and names a bad key.
 */
export function explicitLintSettings(inspect: (key: string) => Inspected<unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of LINT_KEYS) {
    const inspected = inspect(key);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
