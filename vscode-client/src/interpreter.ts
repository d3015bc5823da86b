// Which Python runs the bundled server, and the exact command line that starts it.
// No `vscode` import: unit-tested under plain Node.

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Printed by the candidate Python: its version and real executable, as one JSON line. */
export const PROBE_SCRIPT =
  'import json, sys; print(json.dumps({"version": list(sys.version_info[:3]), "executable": sys.executable}))';

export type CandidateSource = 'layerwise.interpreter' | 'Python extension' | 'PATH';

export interface Candidate {
  source: CandidateSource;
  /** Program first, then its own arguments (e.g. ["py", "-3.12"]). */
  command: string[];
}

export interface CandidateInputs {
  /** From the `layerwise.interpreter` setting, already cleaned up. */
  setting?: string[];
  /** The Python extension's selected interpreter for this workspace, if any. */
  pythonExtension?: string;
  platform: string;
}

/** Candidates in the order they are tried: setting, Python extension, PATH. */
export function interpreterCandidates(inputs: CandidateInputs): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (source: CandidateSource, command: string[]): void => {
    const key = JSON.stringify(command);
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ source, command });
    }
  };
  if (inputs.setting && inputs.setting.length > 0) {
    add('layerwise.interpreter', inputs.setting);
  }
  if (inputs.pythonExtension) {
    add('Python extension', [inputs.pythonExtension]);
  }
  const defaults = inputs.platform === 'win32' ? [['python'], ['py', '-3']] : [['python3'], ['python']];
  for (const command of defaults) {
    add('PATH', command);
  }
  return out;
}

export interface PythonInfo {
  version: [number, number, number];
  executable: string;
}

/** Reads the probe's output (the last JSON line); undefined when it is not there. */
export function parseProbeOutput(stdout: string): PythonInfo | undefined {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const data = JSON.parse(lines[i]) as unknown;
      if (data === null || typeof data !== 'object') {
        continue;
      }
      const { version, executable } = data as { version?: unknown; executable?: unknown };
      if (
        Array.isArray(version) &&
        version.length === 3 &&
        version.every((n) => Number.isInteger(n)) &&
        typeof executable === 'string'
      ) {
        return { version: version as [number, number, number], executable };
      }
    } catch {
      // not JSON: some wrapper printed something; keep looking
    }
  }
  return undefined;
}

export function isSupported(version: readonly number[]): boolean {
  const [major, minor] = version;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

export function formatVersion(version: readonly number[]): string {
  return version.join('.');
}

/** The argv that runs the probe with a candidate. */
export function probeCommand(candidate: Candidate): { file: string; args: string[] } {
  return { file: candidate.command[0], args: [...candidate.command.slice(1), '-c', PROBE_SCRIPT] };
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Human-readable description for the output channel. */
  description: string;
}

/**
 * `<python> -m layerwise serve` with the bundled libraries first on PYTHONPATH, so the
 * bundled layerwise and its dependencies win over anything installed in that Python.
 */
export function bundledLaunch(
  python: string[],
  bundledLibs: string,
  baseEnv: Record<string, string | undefined>,
  platform: string,
): Launch {
  const delimiter = platform === 'win32' ? ';' : ':';
  const env = { ...baseEnv };
  const key = envKey(env, 'PYTHONPATH', platform);
  const existing = env[key];
  delete env[key];
  env.PYTHONPATH = existing ? `${bundledLibs}${delimiter}${existing}` : bundledLibs;
  const args = [...python.slice(1), '-m', 'layerwise', 'serve'];
  return {
    command: python[0],
    args,
    env,
    description: `${[python[0], ...args].map(quote).join(' ')} (PYTHONPATH=${quote(env.PYTHONPATH)})`,
  };
}

/** A user-supplied server command (`layerwise.serverCommand`), run as it is. */
export function customLaunch(serverCommand: string[], baseEnv: Record<string, string | undefined>): Launch {
  return {
    command: serverCommand[0],
    args: serverCommand.slice(1),
    env: { ...baseEnv },
    description: serverCommand.map(quote).join(' '),
  };
}

/** Environment variable names are case-insensitive on Windows: find the one in use. */
function envKey(env: Record<string, string | undefined>, name: string, platform: string): string {
  if (platform !== 'win32') {
    return name;
  }
  return Object.keys(env).find((k) => k.toUpperCase() === name) ?? name;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
