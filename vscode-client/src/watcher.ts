// Forwarding file events to a server that does not watch files itself. No `vscode` import:
// unit-tested under plain Node.
//
// layerwise's own server registers its file watchers (client/registerCapability) and
// VS Code's language client then reports changes to it. A server started through
// `layerwise.serverCommand` may be an older one that registers none; the extension's own
// watcher reports to that one instead, so a new .dockerignore or a changed layerwise.toml
// still reaches it.

/** What the extension watches: every file (the server decides which changes matter). */
export const WATCH_GLOB = '**/*';

/** LSP FileChangeType. */
export const enum FileChangeType {
  Created = 1,
  Changed = 2,
  Deleted = 3,
}

export interface FileEvent {
  uri: string;
  type: FileChangeType;
}

/**
 * True when the server registered watchers of its own, judged from the language client's
 * feature for workspace/didChangeWatchedFiles (its `getState()` says whether it holds
 * registrations). Anything unexpected counts as "no": a duplicate event costs the server one
 * extra lint, a missing one leaves a stale diagnostic.
 */
export function serverWatchesFiles(feature: unknown): boolean {
  if (typeof feature !== 'object' || feature === null) {
    return false;
  }
  const getState = (feature as { getState?: unknown }).getState;
  if (typeof getState !== 'function') {
    return false;
  }
  try {
    const state: unknown = getState.call(feature);
    return typeof state === 'object' && state !== null && (state as { registrations?: unknown }).registrations === true;
  } catch {
    return false;
  }
}

/**
 * Collects events for one notification: the last event per file wins (created then deleted
 * is deleted), in the order the files first changed.
 */
export class FileEventBatch {
  private readonly events = new Map<string, FileChangeType>();

  add(uri: string, type: FileChangeType): void {
    const previous = this.events.get(uri);
    // created then changed is still a creation for whoever did not see the file before
    const merged = previous === FileChangeType.Created && type === FileChangeType.Changed ? previous : type;
    this.events.set(uri, merged);
  }

  get size(): number {
    return this.events.size;
  }

  /** The collected events, emptying the batch. */
  take(): FileEvent[] {
    const out = [...this.events].map(([uri, type]) => ({ uri, type }));
    this.events.clear();
    return out;
  }
}
