import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { LINT_KEYS } from '../src/settings';
import { activationEvents, baseName, FILENAME_PATTERNS, isDockerfileName, isDockerignoreName, shouldLint } from '../src/patterns';

// out/test/*.js -> vscode-client/package.json
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('package.json', () => {
  it('adds the file name patterns to the dockerfile language', () => {
    const dockerfile = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
    assert.deepEqual(dockerfile.filenamePatterns, [...FILENAME_PATTERNS]);
  });

  it('activates on the language and on each pattern', () => {
    assert.deepEqual(manifest.activationEvents, activationEvents());
  });

  it('restricts the program-choosing settings in untrusted workspaces', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, [
      'layerwise.interpreter',
      'layerwise.serverCommand',
    ]);
  });

  it('declares every command and a setting for each key the server reads', () => {
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(commands, ['layerwise.fixAllProblems', 'layerwise.openRuleDoc', 'layerwise.restart', 'layerwise.showOutput']);
    const settings = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(settings, [
      'layerwise.extendSelect',
      'layerwise.format.keywordCase',
      'layerwise.format.multiLine',
      'layerwise.ignore',
      'layerwise.interpreter',
      'layerwise.select',
      'layerwise.serverCommand',
      'layerwise.severity',
      'layerwise.trace.server',
      'layerwise.unsafeFixes',
    ]);
    for (const key of LINT_KEYS) {
      assert.ok(settings.includes(`layerwise.${key}`), key);
    }
  });

  it('offers the formatting settings with the values the server accepts', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(properties['layerwise.format.keywordCase'].enum, ['upper', 'lower', 'keep']);
    assert.equal(properties['layerwise.format.keywordCase'].default, 'upper');
    assert.equal(properties['layerwise.format.multiLine'].type, 'boolean');
    assert.equal(properties['layerwise.format.multiLine'].default, true);
  });
});

describe('isDockerfileName (same as the command line)', () => {
  const yes = [
    'Dockerfile',
    'dockerfile',
    'DOCKERFILE',
    'api.Dockerfile',
    'api.dockerfile',
    'Dockerfile.dev',
    'Dockerfile-dev',
    'Dockerfile_ci',
    'Containerfile',
    'containerfile',
    'Containerfile.prod',
    'web.Containerfile',
  ];
  const no = [
    'Dockerfile.dockerignore',
    'api.Dockerfile.dockerignore',
    '.dockerignore',
    'Dockerfile.md',
    'dockerfile-notes.txt',
    'Dockerfile.orig',
    'Dockerfile~',
    'Dockerfiles',
    'Containerfiles',
    'docker-compose.yml',
    'MyDockerfile',
    'README.md',
  ];
  for (const name of yes) {
    it(`lints ${name}`, () => assert.equal(isDockerfileName(name), true));
  }
  for (const name of no) {
    it(`skips ${name}`, () => assert.equal(isDockerfileName(name), false));
  }
});

describe('shouldLint', () => {
  it('takes files and untitled documents, not ignore files or other schemes', () => {
    assert.equal(shouldLint('file', '/ws/Dockerfile'), true);
    assert.equal(shouldLint('file', '/ws/build/custom-name'), true); // opened as Dockerfile by the user
    assert.equal(shouldLint('untitled', 'Untitled-1'), true);
    assert.equal(shouldLint('file', '/ws/Dockerfile.dockerignore'), false);
    assert.equal(shouldLint('file', '/ws/Dockerfile.md'), false); // caught by Dockerfile.*, not one
    assert.equal(shouldLint('file', '/ws/notes.md'), true); // the user chose the language
    assert.equal(shouldLint('file', '/ws/Dockerfile-dev'), true);
    assert.equal(shouldLint('git', '/ws/Dockerfile'), false);
    assert.equal(shouldLint('vscode-vfs', '/ws/Dockerfile'), false);
  });

  it('finds the base name with either separator', () => {
    assert.equal(baseName('/a/b/Dockerfile'), 'Dockerfile');
    assert.equal(baseName('C:\\a\\x.Dockerfile'), 'x.Dockerfile');
    assert.equal(isDockerignoreName('X.DOCKERIGNORE'), true);
  });
});
