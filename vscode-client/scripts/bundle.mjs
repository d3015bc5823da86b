#!/usr/bin/env node
// Puts what the .vsix carries besides the compiled extension into vscode-client/:
//   bundled/libs/  layerwise and its pure-Python dependencies (scripts/bundle_python.py)
//   rules/         the rule documents (LWxxx.md and README.md), for "Open Rule Documentation"
// The repository root is the parent of vscode-client/, wherever the checkout lives.
// Python for the build: $LAYERWISE_BUILD_PYTHON, else python3 (python on Windows); needs pip.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(clientDir, '..');
const python = process.env.LAYERWISE_BUILD_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');

if (!fs.existsSync(path.join(repoRoot, 'pyproject.toml'))) {
  console.error(`bundle: ${repoRoot} has no pyproject.toml; is vscode-client/ inside the layerwise repository?`);
  process.exit(2);
}

// 1. Python libraries
const libs = path.join(clientDir, 'bundled', 'libs');
const t0 = Date.now();
const result = spawnSync(python, [path.join(clientDir, 'scripts', 'bundle_python.py'), repoRoot, libs], {
  stdio: 'inherit',
  env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
});
if (result.error || result.status !== 0) {
  console.error(`bundle: ${python} scripts/bundle_python.py failed${result.error ? `: ${result.error.message}` : ''}`);
  process.exit(1);
}
console.log(`bundle: python libraries in ${Date.now() - t0} ms`);

// 2. Rule documents
const rulesSource = path.join(repoRoot, 'rules');
const rulesTarget = path.join(clientDir, 'rules');
fs.rmSync(rulesTarget, { recursive: true, force: true });
fs.mkdirSync(rulesTarget, { recursive: true });
const docs = fs.readdirSync(rulesSource).filter((name) => name.endsWith('.md'));
for (const name of docs) {
  fs.copyFileSync(path.join(rulesSource, name), path.join(rulesTarget, name));
}
if (!docs.some((name) => /^LW\d{3}\.md$/.test(name))) {
  console.error(`bundle: no rule documents in ${rulesSource}`);
  process.exit(1);
}
console.log(`bundle: ${docs.length} rule documents copied to ${rulesTarget}`);
