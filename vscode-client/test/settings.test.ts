import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { effectiveValue, expandVariables, explicitLintSettings, ignoresWorkspaceValue, Inspected, toCommand } from '../src/settings';

describe('effectiveValue', () => {
  const inspected = { defaultValue: [], globalValue: ['/usr/bin/python3'], workspaceValue: ['./evil'], workspaceFolderValue: undefined };

  it('follows VS Code precedence in a trusted workspace', () => {
    assert.deepEqual(effectiveValue(inspected, true), ['./evil']);
    assert.deepEqual(effectiveValue({ ...inspected, workspaceFolderValue: ['f'] }, true), ['f']);
  });

  it('takes only the user value in an untrusted workspace', () => {
    assert.deepEqual(effectiveValue(inspected, false), ['/usr/bin/python3']);
    assert.deepEqual(effectiveValue({ defaultValue: [], workspaceValue: ['./evil'], workspaceFolderValue: ['./evil2'] }, false), []);
  });

  it('handles a missing inspection', () => {
    assert.equal(effectiveValue(undefined, true), undefined);
  });
});

describe('ignoresWorkspaceValue', () => {
  it('reports only untrusted workspaces that set a value', () => {
    assert.equal(ignoresWorkspaceValue({ workspaceValue: 'python' }, false), true);
    assert.equal(ignoresWorkspaceValue({ workspaceFolderValue: ['x'] }, false), true);
    assert.equal(ignoresWorkspaceValue({ workspaceValue: 'python' }, true), false);
    assert.equal(ignoresWorkspaceValue({ workspaceValue: [], globalValue: 'p' }, false), false);
    assert.equal(ignoresWorkspaceValue({ workspaceValue: '' }, false), false);
  });
});

describe('toCommand', () => {
  it('accepts a string or a list of strings', () => {
    assert.deepEqual(toCommand(' /usr/bin/python3 ', 'k'), { command: ['/usr/bin/python3'] });
    assert.deepEqual(toCommand(['py', '-3.12'], 'k'), { command: ['py', '-3.12'] });
    assert.deepEqual(toCommand([' conda', 'run', '-n', 'my env', 'python'], 'k'), {
      command: ['conda', 'run', '-n', 'my env', 'python'],
    });
  });

  it('treats empty values as unset', () => {
    for (const value of [undefined, null, '', '   ', []]) {
      assert.deepEqual(toCommand(value, 'k'), {});
    }
  });

  it('rejects malformed values with the key in the reason', () => {
    assert.match(toCommand(['python', 3], 'layerwise.interpreter').problem ?? '', /^layerwise\.interpreter must be/);
    assert.match(toCommand({ path: 'x' }, 'layerwise.interpreter').problem ?? '', /not object/);
    assert.match(toCommand(['', 'serve'], 'layerwise.serverCommand').problem ?? '', /program\) is empty/);
    assert.equal(toCommand(42, 'k').command, undefined);
  });
});

describe('expandVariables', () => {
  const vars = { workspaceFolder: '/ws', userHome: '/home/me', env: { VENV: '/opt/venv' } };

  it('expands the supported variables', () => {
    assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', vars), '/ws/.venv/bin/python');
    assert.equal(expandVariables('${userHome}/py', vars), '/home/me/py');
    assert.equal(expandVariables('${env:VENV}/bin/python', vars), '/opt/venv/bin/python');
    assert.equal(expandVariables('${env:NOPE}x', vars), 'x');
    assert.equal(expandVariables('~/bin/python3', vars), '/home/me/bin/python3');
    assert.equal(expandVariables('~', vars), '/home/me');
  });

  it('leaves everything else alone', () => {
    assert.equal(expandVariables('a~b', vars), 'a~b');
    assert.equal(expandVariables('~other/python', vars), '~other/python');
    assert.equal(expandVariables('${unknown}', vars), '${unknown}');
    assert.equal(expandVariables('${workspaceFolder}', { ...vars, workspaceFolder: undefined }), '${workspaceFolder}');
  });
});

describe('explicitLintSettings', () => {
  const inspected: Record<string, Inspected<unknown>> = {
    select: { defaultValue: [] },
    extendSelect: { defaultValue: [], globalValue: ['LW104'] },
    ignore: { defaultValue: [], globalValue: ['LW601'], workspaceValue: 'LW601' },
    severity: { defaultValue: {}, workspaceFolderValue: { LW601: 'warning' } },
    unsafeFixes: { defaultValue: false },
    interpreter: { globalValue: ['/usr/bin/python3'] },
  };

  it('sends only what the user set, never the defaults or the client keys', () => {
    assert.deepEqual(explicitLintSettings((key) => inspected[key]), {
      extendSelect: ['LW104'],
      ignore: 'LW601', // workspace over user; the server reports the bad type, naming the key
      severity: { LW601: 'warning' },
    });
  });

  it('keeps explicit values equal to the defaults (they override a project file)', () => {
    const result = explicitLintSettings((key) => (key === 'unsafeFixes' ? { defaultValue: false, globalValue: false } : undefined));
    assert.deepEqual(result, { unsafeFixes: false });
  });

  it('sends the formatting settings the user set, under their dotted names', () => {
    const format: Record<string, Inspected<unknown>> = {
      'format.keywordCase': { defaultValue: 'upper', workspaceValue: 'lower' },
      'format.multiLine': { defaultValue: true, globalValue: false },
    };
    assert.deepEqual(explicitLintSettings((key) => format[key]), { 'format.keywordCase': 'lower', 'format.multiLine': false });
    assert.deepEqual(explicitLintSettings((key) => (key.startsWith('format.') ? { defaultValue: 'upper' } : undefined)), {});
  });

  it('sends nothing when nothing is set', () => {
    assert.deepEqual(explicitLintSettings(() => undefined), {});
  });
});
