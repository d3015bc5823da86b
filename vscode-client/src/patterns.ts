// File names layerwise lints. No `vscode` import: unit-tested under plain Node.
// Mirrors the command line's discovery (layerwise/cli/discovery.py: is_dockerfile_name).

/** Added to VS Code's `dockerfile` language (package.json: contributes.languages). */
export const FILENAME_PATTERNS = ['Dockerfile', '*.Dockerfile', 'Dockerfile.*', 'Containerfile*'] as const;

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

/** Whether the command line would lint a file of this name. */
export function isDockerfileName(name: string): boolean {
  const lowered = name.toLowerCase();
  return (
    (lowered === 'dockerfile' ||
      lowered.endsWith('.dockerfile') ||
      lowered.startsWith('dockerfile.') ||
      lowered.startsWith('containerfile')) &&
    !isDockerignoreName(lowered)
  );
}

/**
 * Whether an open document in the `dockerfile` language goes to the server: any name the user
 * chose to open as a Dockerfile, except ignore files that VS Code's patterns catch.
 */
export function shouldLint(scheme: string, path: string): boolean {
  if (scheme !== 'file' && scheme !== 'untitled') {
    return false;
  }
  return !isDockerignoreName(baseName(path));
}
