// File names layerwise lints. No `vscode` import: unit-tested under plain Node.
// Mirrors the command line's discovery (layerwise/analysis/discovery.py: is_dockerfile_name).

/**
 * Added to VS Code's `dockerfile` language (package.json: contributes.languages); VS Code matches
 * them without regard to case. The same list as DOCKERFILE_PATTERNS in discovery.py.
 */
export const FILENAME_PATTERNS = [
  'Dockerfile',
  'Dockerfile.*',
  'Dockerfile-*',
  'Dockerfile_*',
  '*.Dockerfile',
  'Containerfile',
  'Containerfile.*',
  'Containerfile-*',
  'Containerfile_*',
  '*.Containerfile',
] as const;

/**
 * Names the patterns catch that are not Dockerfiles: BuildKit's per-Dockerfile ignore files, notes,
 * patch leftovers and editor backups (NOT_DOCKERFILE_SUFFIXES in discovery.py).
 */
export const NOT_DOCKERFILE_SUFFIXES = ['.dockerignore', '.md', '.txt', '.rst', '.orig', '.rej', '.bak', '.swp', '~'] as const;

/** package.json activationEvents, in order. */
export function activationEvents(): string[] {
  return ['onLanguage:dockerfile', ...FILENAME_PATTERNS.map((p) => `workspaceContains:**/${p}`)];
}

/** The last path segment of a URI path or a file path (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/**
 * BuildKit's per-Dockerfile ignore files (`Dockerfile.dockerignore`, `app.Dockerfile.dockerignore`)
 * match `Dockerfile.*`, so VS Code opens them as Dockerfiles; they are not.
 */
export function isDockerignoreName(name: string): boolean {
  return name.toLowerCase().endsWith('.dockerignore');
}

/** A glob of FILENAME_PATTERNS (only `*` wildcards) as a case-insensitive whole-name test. */
function matchesPattern(lowered: string, pattern: string): boolean {
  const parts = pattern.toLowerCase().split('*');
  if (parts.length === 1) {
    return lowered === parts[0];
  }
  const [head, tail] = [parts[0] ?? '', parts[parts.length - 1] ?? ''];
  return lowered.length >= head.length + tail.length && lowered.startsWith(head) && lowered.endsWith(tail);
}

/** Whether the command line would lint a file of this name found in a folder. */
export function isDockerfileName(name: string): boolean {
  const lowered = name.toLowerCase();
  return (
    FILENAME_PATTERNS.some((pattern) => matchesPattern(lowered, pattern)) &&
    !NOT_DOCKERFILE_SUFFIXES.some((suffix) => lowered.endsWith(suffix))
  );
}

/**
 * Whether an open document in the `dockerfile` language goes to the server: any name the user
 * chose to open as a Dockerfile, except the non-Dockerfiles that VS Code's patterns catch
 * (`Dockerfile.dockerignore`, `Dockerfile.md`, `Dockerfile.orig`, ...).
 */
export function shouldLint(scheme: string, path: string): boolean {
  if (scheme !== 'file' && scheme !== 'untitled') {
    return false;
  }
  const name = baseName(path);
  const lowered = name.toLowerCase();
  const caught = FILENAME_PATTERNS.some((pattern) => matchesPattern(lowered, pattern));
  return !isDockerignoreName(name) && !(caught && !isDockerfileName(name));
}
