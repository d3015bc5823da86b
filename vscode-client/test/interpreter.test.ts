import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import {
  bundledLaunch,
  customLaunch,
  interpreterCandidates,
  isSupported,
  parseProbeOutput,
  probeCommand,
  PROBE_SCRIPT,
} from '../src/interpreter';
import { probePython, resolveInterpreter } from '../src/probe';

describe('interpreterCandidates', () => {
  it('tries the setting, then the Python extension, then PATH', () => {
    const candidates = interpreterCandidates({
      setting: ['/opt/py/bin/python3'],
      pythonExtension: '/ws/.venv/bin/python',
      platform: 'linux',
    });
    assert.deepEqual(
      candidates.map((c) => [c.source, c.command]),
      [
        ['layerwise.interpreter', ['/opt/py/bin/python3']],
        ['Python extension', ['/ws/.venv/bin/python']],
        ['PATH', ['python3']],
        ['PATH', ['python']],
      ],
    );
  });

  it('uses python and the py launcher on Windows', () => {
    const candidates = interpreterCandidates({ platform: 'win32' });
    assert.deepEqual(
      candidates.map((c) => c.command),
      [['python'], ['py', '-3']],
    );
  });

  it('drops duplicates, keeping the first source', () => {
    const candidates = interpreterCandidates({ setting: ['python3'], pythonExtension: 'python3', platform: 'linux' });
    assert.deepEqual(
      candidates.map((c) => [c.source, c.command.join(' ')]),
      [
        ['layerwise.interpreter', 'python3'],
        ['PATH', 'python'],
      ],
    );
  });

  it('ignores an empty setting', () => {
    assert.equal(interpreterCandidates({ setting: [], platform: 'linux' })[0].source, 'PATH');
  });
});

describe('probe output', () => {
  it('reads the last JSON line', () => {
    const out = 'pyenv: some warning\n{"version": [3, 12, 1], "executable": "/usr/bin/python3.12"}\n';
    assert.deepEqual(parseProbeOutput(out), { version: [3, 12, 1], executable: '/usr/bin/python3.12' });
  });

  it('rejects output that is not the probe', () => {
    assert.equal(parseProbeOutput(''), undefined);
    assert.equal(parseProbeOutput('Python 3.12.1\n'), undefined);
    assert.equal(parseProbeOutput('{"version": "3.12", "executable": "x"}'), undefined);
    assert.equal(parseProbeOutput('null\n[1,2]'), undefined);
  });

  it('needs 3.10 or newer', () => {
    assert.equal(isSupported([3, 9, 18]), false);
    assert.equal(isSupported([2, 7, 18]), false);
    assert.equal(isSupported([3, 10, 0]), true);
    assert.equal(isSupported([3, 14, 0]), true);
    assert.equal(isSupported([4, 0, 0]), true);
  });

  it('passes the candidate arguments before -c', () => {
    assert.deepEqual(probeCommand({ source: 'PATH', command: ['py', '-3'] }), { file: 'py', args: ['-3', '-c', PROBE_SCRIPT] });
  });
});

describe('launch commands', () => {
  it('runs the bundled server with the bundled libraries first on PYTHONPATH', () => {
    const launch = bundledLaunch(['/usr/bin/python3'], '/ext/bundled/libs', { PATH: '/bin', PYTHONPATH: '/mine' }, 'linux');
    assert.equal(launch.command, '/usr/bin/python3');
    assert.deepEqual(launch.args, ['-m', 'layerwise', 'serve']);
    assert.equal(launch.env.PYTHONPATH, '/ext/bundled/libs:/mine');
    assert.equal(launch.env.PATH, '/bin');
  });

  it('keeps interpreter arguments and sets PYTHONPATH when there was none', () => {
    const launch = bundledLaunch(['py', '-3.12'], 'C:\\ext\\bundled\\libs', { Path: 'C:\\bin' }, 'win32');
    assert.equal(launch.command, 'py');
    assert.deepEqual(launch.args, ['-3.12', '-m', 'layerwise', 'serve']);
    assert.equal(launch.env.PYTHONPATH, 'C:\\ext\\bundled\\libs');
  });

  it('uses the Windows separator and the existing variable name case', () => {
    const launch = bundledLaunch(['python'], 'C:\\libs', { PythonPath: 'D:\\x' }, 'win32');
    assert.equal(launch.env.PYTHONPATH, 'C:\\libs;D:\\x');
    assert.equal(launch.env.PythonPath, undefined);
  });

  it('does not change the caller environment', () => {
    const env = { PYTHONPATH: '/mine' };
    bundledLaunch(['python3'], '/libs', env, 'linux');
    assert.deepEqual(env, { PYTHONPATH: '/mine' });
  });

  it('runs a custom server command as it is', () => {
    const launch = customLaunch(['/opt/venv/bin/layerwise', 'serve'], { PYTHONPATH: '/mine' });
    assert.equal(launch.command, '/opt/venv/bin/layerwise');
    assert.deepEqual(launch.args, ['serve']);
    assert.equal(launch.env.PYTHONPATH, '/mine');
    assert.equal(launch.description, '/opt/venv/bin/layerwise serve');
  });
});

describe('resolveInterpreter', () => {
  it('stops at the first usable candidate and records the attempts', async () => {
    const candidates = interpreterCandidates({ setting: ['/bad'], platform: 'linux' });
    const seen: string[] = [];
    const resolution = await resolveInterpreter(candidates, async (c) => {
      seen.push(c.command[0]);
      return c.command[0] === 'python3'
        ? { ok: true, info: { version: [3, 11, 2], executable: '/usr/bin/python3.11' } }
        : { ok: false, reason: 'was not found' };
    });
    assert.deepEqual(seen, ['/bad', 'python3']);
    assert.equal(resolution.chosen?.candidate.command[0], 'python3');
    assert.equal(resolution.attempts.length, 2);
  });

  it('returns no choice when nothing works', async () => {
    const resolution = await resolveInterpreter(interpreterCandidates({ platform: 'linux' }), async () => ({
      ok: false,
      reason: 'was not found',
    }));
    assert.equal(resolution.chosen, undefined);
    assert.equal(resolution.attempts.length, 2);
  });
});

// Real processes: fake "pythons" as shell scripts (POSIX only), and the machine's python3.
describe('probePython', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerwise-probe-'));
  const fake = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  const options = { cwd: dir, env: process.env, timeoutMs: 2000 };

  it('accepts a new enough Python', async () => {
    const file = fake('py312', `echo '{"version": [3, 12, 0], "executable": "/fake/python3.12"}'`);
    const result = await probePython({ source: 'PATH', command: [file] }, options);
    assert.deepEqual(result, { ok: true, info: { version: [3, 12, 0], executable: '/fake/python3.12' } });
  });

  it('rejects an old Python, naming its version', async () => {
    const file = fake('py39', `echo '{"version": [3, 9, 18], "executable": "/fake/python3.9"}'`);
    const result = await probePython({ source: 'PATH', command: [file] }, options);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /Python 3\.9\.18 .*needs 3\.10 or newer/);
  });

  it('reports a missing program, a failure and a hang', async () => {
    const missing = await probePython({ source: 'PATH', command: [path.join(dir, 'nope')] }, options);
    assert.deepEqual(missing, { ok: false, reason: 'was not found' });
    const failing = await probePython({ source: 'PATH', command: [fake('fail', 'echo boom >&2; exit 3')] }, options);
    assert.match(!failing.ok ? failing.reason : '', /exit code 3: boom/);
    const hanging = await probePython({ source: 'PATH', command: [fake('hang', 'sleep 5')] }, { ...options, timeoutMs: 300 });
    assert.match(!hanging.ok ? hanging.reason : '', /did not answer within 300 ms/);
  });

  it('runs the real python3 of this machine', { skip: !onPath('python3') }, async () => {
    const result = await probePython({ source: 'PATH', command: ['python3'] }, options);
    assert.ok(result.ok || /needs 3\.10/.test(result.reason), JSON.stringify(result));
  });
});

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}
