// Runs candidate Pythons to find one that can run the server. Node only, no `vscode`.
import { execFile } from 'node:child_process';

import {
  Candidate,
  PythonInfo,
  formatVersion,
  isSupported,
  MIN_PYTHON,
  parseProbeOutput,
  probeCommand,
} from './interpreter';

export interface ProbeOptions {
  /** Working directory of the probe; never the workspace (python -c puts it on sys.path). */
  cwd: string;
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

export type ProbeResult = { ok: true; info: PythonInfo } | { ok: false; reason: string };

export function probePython(candidate: Candidate, options: ProbeOptions): Promise<ProbeResult> {
  const { file, args } = probeCommand(candidate);
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env as NodeJS.ProcessEnv,
        timeout: options.timeoutMs,
        windowsHide: true,
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          resolve({ ok: false, reason: describeError(error, String(stderr), options.timeoutMs) });
          return;
        }
        const info = parseProbeOutput(String(stdout));
        if (!info) {
          resolve({ ok: false, reason: `did not answer like Python (output: ${JSON.stringify(String(stdout).trim().slice(0, 200))})` });
        } else if (!isSupported(info.version)) {
          resolve({
            ok: false,
            reason: `is Python ${formatVersion(info.version)} (${info.executable}); layerwise needs ${MIN_PYTHON.join('.')} or newer`,
          });
        } else {
          resolve({ ok: true, info });
        }
      },
    );
  });
}

function describeError(error: Error & { code?: unknown; killed?: boolean; signal?: unknown }, stderr: string, timeoutMs: number): string {
  if (error.code === 'ENOENT') {
    return 'was not found';
  }
  if (error.code === 'EACCES') {
    return 'is not executable';
  }
  if (error.killed || error.signal === 'SIGTERM') {
    return `did not answer within ${timeoutMs} ms`;
  }
  const detail = stderr.trim().split(/\r?\n/).slice(-1)[0] || error.message;
  return `failed (${typeof error.code === 'number' ? `exit code ${error.code}: ` : ''}${detail})`;
}

export interface Attempt {
  candidate: Candidate;
  result: ProbeResult;
}

export interface Resolution {
  chosen?: { candidate: Candidate; info: PythonInfo };
  attempts: Attempt[];
}

/** Tries the candidates in order and stops at the first usable one. */
export async function resolveInterpreter(
  candidates: Candidate[],
  probe: (candidate: Candidate) => Promise<ProbeResult>,
): Promise<Resolution> {
  const attempts: Attempt[] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate);
    attempts.push({ candidate, result });
    if (result.ok) {
      return { chosen: { candidate, info: result.info }, attempts };
    }
  }
  return { attempts };
}
