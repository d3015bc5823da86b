import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { parseRuleDoc, ruleCodeOf, ruleIndex } from '../src/rules';

// out/test/*.js -> the repository's rules/
const RULES = path.join(__dirname, '..', '..', '..', 'rules');

describe('parseRuleDoc', () => {
  it('reads code, name and summary', () => {
    const text = '# LW701 add-instead-of-copy\n\nADD used where COPY does the job\n\n| Severity |\n|---|\n';
    assert.deepEqual(parseRuleDoc('LW701.md', text), {
      code: 'LW701',
      name: 'add-instead-of-copy',
      summary: 'ADD used where COPY does the job',
      fileName: 'LW701.md',
    });
  });

  it('rejects documents without a rule title', () => {
    assert.equal(parseRuleDoc('README.md', '# layerwise rules\n\ntext'), undefined);
    assert.equal(parseRuleDoc('x.md', ''), undefined);
  });
});

describe('ruleIndex over the real rule documents', () => {
  const files = fs.readdirSync(RULES).map((fileName) => ({ fileName, text: fs.readFileSync(path.join(RULES, fileName), 'utf8') }));
  const index = ruleIndex(files);

  it('lists every LWxxx.md, sorted, with a summary', () => {
    const expected = files.filter((f) => /^LW\d{3}\.md$/.test(f.fileName)).map((f) => f.fileName.slice(0, 5)).sort();
    assert.deepEqual(index.map((d) => d.code), expected);
    assert.ok(index.every((d) => d.summary.length > 0 && d.name.length > 0));
    assert.ok(index.some((d) => d.code === 'LW701' && d.name === 'add-instead-of-copy'));
  });
});

describe('ruleCodeOf', () => {
  it('accepts a code string or a {value, target} code', () => {
    assert.equal(ruleCodeOf('LW701'), 'LW701');
    assert.equal(ruleCodeOf({ value: 'LW601', target: {} }), 'LW601');
    assert.equal(ruleCodeOf('DL3020'), undefined);
    assert.equal(ruleCodeOf(undefined), undefined);
    assert.equal(ruleCodeOf(701), undefined);
  });
});
