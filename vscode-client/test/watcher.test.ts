import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FileChangeType, FileEventBatch, serverWatchesFiles } from '../src/watcher';

describe('serverWatchesFiles', () => {
  it('is true only when the client holds registrations from the server', () => {
    assert.equal(serverWatchesFiles({ getState: () => ({ kind: 'workspace', registrations: true }) }), true);
    assert.equal(serverWatchesFiles({ getState: () => ({ kind: 'workspace', registrations: false }) }), false);
  });

  it('reads the state through the feature object (getState uses `this`)', () => {
    const feature = {
      watchers: new Map([['layerwise.watchedFiles', {}]]),
      getState() {
        return { registrations: this.watchers.size > 0 };
      },
    };
    assert.equal(serverWatchesFiles(feature), true);
    feature.watchers.clear();
    assert.equal(serverWatchesFiles(feature), false);
  });

  it('treats anything unexpected as "the server does not watch"', () => {
    for (const feature of [undefined, null, 42, {}, { getState: 1 }, { getState: () => undefined }, { getState: () => ({ registrations: 'yes' }) }]) {
      assert.equal(serverWatchesFiles(feature), false, JSON.stringify(feature));
    }
    assert.equal(serverWatchesFiles({ getState: () => { throw new Error('gone'); } }), false);
  });
});

describe('FileEventBatch', () => {
  it('keeps one event per file, the last one, in first-seen order', () => {
    const batch = new FileEventBatch();
    batch.add('file:///ws/.dockerignore', FileChangeType.Created);
    batch.add('file:///ws/layerwise.toml', FileChangeType.Changed);
    batch.add('file:///ws/.dockerignore', FileChangeType.Deleted);
    assert.equal(batch.size, 2);
    assert.deepEqual(batch.take(), [
      { uri: 'file:///ws/.dockerignore', type: FileChangeType.Deleted },
      { uri: 'file:///ws/layerwise.toml', type: FileChangeType.Changed },
    ]);
    assert.deepEqual(batch.take(), []);
  });

  it('reports a file created then written as created', () => {
    const batch = new FileEventBatch();
    batch.add('file:///ws/entrypoint.sh', FileChangeType.Created);
    batch.add('file:///ws/entrypoint.sh', FileChangeType.Changed);
    assert.deepEqual(batch.take(), [{ uri: 'file:///ws/entrypoint.sh', type: FileChangeType.Created }]);
  });
});
