// VS Code side of layerwise: finds a Python, starts the bundled language server with it,
// and adds a few commands. Everything that does not need the `vscode` module lives in
// settings.ts, interpreter.ts, probe.ts, patterns.ts and rules.ts (unit-tested).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { bundledLaunch, customLaunch, formatVersion, Launch, MIN_PYTHON } from './interpreter';
import { interpreterCandidates } from './interpreter';
import { shouldLint } from './patterns';
import { probePython, resolveInterpreter } from './probe';
import { ruleCodeOf, RuleDoc, ruleIndex } from './rules';
import {
  effectiveValue,
  expandVariables,
  explicitLintSettings,
  ignoresWorkspaceValue,
  RESTRICTED_KEYS,
  toCommand,
} from './settings';
import { FileChangeType, FileEventBatch, serverWatchesFiles, WATCH_GLOB } from './watcher';

const SECTION = 'layerwise';
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('layerwise');
const PROBE_TIMEOUT_MS = 10_000;
const PYTHON_EXTENSION_ID = 'ms-python.python';
const PYTHON_EXTENSION_TIMEOUT_MS = 15_000;
/** File events are sent together when they come this close (a checkout, a build). */
const FILE_EVENT_BATCH_MS = 50;

/** The slice of the Python extension's `environments` API that we use. */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
  resolveEnvironment(env: { id: string; path: string } | string): Promise<
    { executable?: { uri?: vscode.Uri } } | undefined
  >;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new Extension(context);
  await extension.activate();
}

export async function deactivate(): Promise<void> {
  await extension?.dispose();
  extension = undefined;
}

class Extension {
  private readonly output: vscode.LogOutputChannel;
  private readonly status: vscode.LanguageStatusItem;
  private client: LanguageClient | undefined;
  /** The extension's own file watcher, for a server that registers none (see watcher.ts). */
  private fileWatcher: vscode.Disposable | undefined;
  /** Starts and stops run one after another, in the order they were asked for. */
  private queue: Promise<void> = Promise.resolve();
  private notifiedNoPython = false;
  private watchingPythonExtension = false;
  /** True when the Python extension's choice matters (no interpreter or server command set). */
  private consultsPythonExtension = false;
  /** Shown in the language status item once the server runs. */
  private statusDetail = '';

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('layerwise', { log: true });
    this.status = vscode.languages.createLanguageStatusItem('layerwise.status', { language: 'dockerfile' });
    this.status.name = 'layerwise';
    this.status.text = 'layerwise';
    this.status.command = { command: 'layerwise.showOutput', title: 'Show Output' };
    context.subscriptions.push(this.output, this.status);
  }

  async activate(): Promise<void> {
    const { subscriptions } = this.context;
    subscriptions.push(
      vscode.commands.registerCommand('layerwise.restart', () => {
        this.notifiedNoPython = false;
        return this.restart('restart command');
      }),
      vscode.commands.registerCommand('layerwise.showOutput', () => this.output.show(true)),
      // A name of its own: the language client registers each server command (the code lens's
      // `layerwise.server.fixAll`) as an editor command, and a second registration of one name
      // fails the client's start (tests/test_lsp_structure.py keeps the two sets apart).
      vscode.commands.registerCommand('layerwise.fixAllProblems', () => this.fixAll()),
      vscode.commands.registerCommand('layerwise.openRuleDoc', (code?: unknown) => this.openRuleDoc(code)),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart('workspace trusted')),
    );
    // not awaited: activation ends at once; the server starts in the background
    void this.restart('activation');
  }

  async dispose(): Promise<void> {
    await this.enqueue(() => this.stopClient());
  }

  // -- lifecycle --------------------------------------------------------------------------

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.log(`(re)starting the server: ${reason}`);
      await this.stopClient();
      await this.startClient();
    });
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.fileWatcher?.dispose();
    this.fileWatcher = undefined;
    if (!client) {
      return;
    }
    try {
      await client.dispose(2000);
    } catch (error) {
      this.log(`stopping the server failed: ${describe(error)}`);
    }
  }

  private async startClient(): Promise<void> {
    this.setStatus('starting…', vscode.LanguageStatusSeverity.Information, true);
    const launch = await this.resolveLaunch();
    if (!launch) {
      return;
    }
    this.log(`server: ${launch.description}`);
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      // Never the workspace: `python -m` puts the working directory first on sys.path.
      options: { cwd: this.context.extensionPath, env: launch.env },
    };
    const client = new LanguageClient(SECTION, 'layerwise', serverOptions, this.clientOptions());
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped && this.client === client) {
        this.setStatus('server stopped', vscode.LanguageStatusSeverity.Warning, false);
      }
    });
    this.client = client;
    const t0 = Date.now();
    try {
      await client.start();
      this.log(`server started in ${Date.now() - t0} ms`);
      this.fileWatcher = this.watchFiles(client);
      this.setStatus(this.statusDetail, vscode.LanguageStatusSeverity.Information, false);
    } catch (error) {
      this.log(`the server did not start: ${describe(error)}`);
      this.setStatus('server failed to start', vscode.LanguageStatusSeverity.Error, false);
      void this.offerOutput(`layerwise: the language server did not start (${describe(error)}).`);
    }
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'dockerfile' },
        { scheme: 'untitled', language: 'dockerfile' },
      ],
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: { settings: lintSettingsFor(undefined) },
      diagnosticPullOptions: {
        onChange: true,
        onSave: false,
        match: (_selector, resource) => shouldLint(resource.scheme, resource.path),
      },
      middleware: {
        didOpen: (document, next) => (shouldLint(document.uri.scheme, document.uri.path) ? next(document) : Promise.resolve()),
        workspace: {
          // The server asks for the `layerwise` section: it gets the lint settings the user set.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, index) => {
              const item = params.items[index];
              return item?.section === SECTION ? lintSettingsFor(item.scopeUri) : value;
            });
          },
        },
      },
    };
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (RESTRICTED_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
      this.notifiedNoPython = false;
      void this.restart('interpreter or server command changed');
      return;
    }
    if (event.affectsConfiguration(SECTION) && this.client?.state === State.Running) {
      // null: the server pulls the section again through workspace/configuration.
      void this.client
        .sendNotification(DidChangeConfigurationNotification.type, { settings: null })
        .catch((error: unknown) => this.log(`didChangeConfiguration failed: ${describe(error)}`));
    }
  }

  /**
   * Reports file changes to a server that did not register watchers of its own (layerwise's
   * own server does, and the language client then reports them).
   */
  private watchFiles(client: LanguageClient): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCH_GLOB);
    const batch = new FileEventBatch();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const changes = batch.take();
      if (!changes.length || this.client !== client || client.state !== State.Running) {
        return;
      }
      void client
        .sendNotification(DidChangeWatchedFilesNotification.type, { changes })
        .catch((error: unknown) => this.log(`didChangeWatchedFiles failed: ${describe(error)}`));
    };
    const forward = (type: FileChangeType) => (uri: vscode.Uri) => {
      // (the client's getFeature has no typed overload for this method)
      const feature = (client as unknown as { getFeature(method: string): unknown }).getFeature(DidChangeWatchedFilesNotification.method);
      if (serverWatchesFiles(feature)) {
        return;
      }
      batch.add(client.code2ProtocolConverter.asUri(uri), type);
      timer ??= setTimeout(flush, FILE_EVENT_BATCH_MS);
    };
    const subscriptions = [
      watcher,
      watcher.onDidCreate(forward(FileChangeType.Created)),
      watcher.onDidChange(forward(FileChangeType.Changed)),
      watcher.onDidDelete(forward(FileChangeType.Deleted)),
    ];
    return new vscode.Disposable(() => {
      if (timer) {
        clearTimeout(timer);
      }
      subscriptions.forEach((d) => d.dispose());
    });
  }

  // -- which program runs -----------------------------------------------------------------

  private async resolveLaunch(): Promise<Launch | undefined> {
    const trusted = vscode.workspace.isTrusted;
    const config = vscode.workspace.getConfiguration(SECTION);
    for (const key of RESTRICTED_KEYS) {
      if (ignoresWorkspaceValue(config.inspect(key), trusted)) {
        this.log(`untrusted workspace: ignoring the workspace's value of ${SECTION}.${key} (user settings only)`);
      }
    }
    const vars = {
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      userHome: os.homedir(),
      env: process.env,
    };
    const env = { ...process.env };

    const serverCommand = toCommand(effectiveValue(config.inspect('serverCommand'), trusted), `${SECTION}.serverCommand`);
    if (serverCommand.problem) {
      this.log(`ignored: ${serverCommand.problem}`);
    }
    if (serverCommand.command) {
      this.consultsPythonExtension = false;
      this.statusDetail = 'custom server command';
      return customLaunch(serverCommand.command.map((arg) => expandVariables(arg, vars)), env);
    }

    const interpreter = toCommand(effectiveValue(config.inspect('interpreter'), trusted), `${SECTION}.interpreter`);
    if (interpreter.problem) {
      this.log(`ignored: ${interpreter.problem}`);
    }
    const setting = interpreter.command?.map((arg) => expandVariables(arg, vars));
    this.consultsPythonExtension = !setting && trusted;
    // The Python extension may pick a workspace .venv: not a program to run in an untrusted workspace.
    const fromPythonExtension = this.consultsPythonExtension ? await this.pythonExtensionInterpreter() : undefined;
    const candidates = interpreterCandidates({ setting, pythonExtension: fromPythonExtension, platform: process.platform });
    const resolution = await resolveInterpreter(candidates, (candidate) =>
      probePython(candidate, { cwd: this.context.extensionPath, env, timeoutMs: PROBE_TIMEOUT_MS }),
    );
    for (const attempt of resolution.attempts) {
      const what = `${attempt.candidate.command.join(' ')} (from ${attempt.candidate.source})`;
      this.log(attempt.result.ok ? `using ${what}: Python ${formatVersion(attempt.result.info.version)} at ${attempt.result.info.executable}` : `skipped ${what}: ${attempt.result.reason}`);
    }
    if (!resolution.chosen) {
      this.setStatus(`no Python ${MIN_PYTHON.join('.')}+`, vscode.LanguageStatusSeverity.Error, false);
      this.notifyNoPython();
      return undefined;
    }
    const { candidate, info } = resolution.chosen;
    this.statusDetail = `Python ${formatVersion(info.version)}`;
    const libs = path.join(this.context.extensionPath, 'bundled', 'libs');
    if (!fs.existsSync(path.join(libs, 'layerwise'))) {
      // A development checkout without `npm run bundle`: use layerwise installed in that Python.
      this.log(`no bundled server in ${libs}; running the layerwise installed in that Python`);
      return customLaunch([...candidate.command, '-m', 'layerwise', 'serve'], env);
    }
    return bundledLaunch(candidate.command, libs, env, process.platform);
  }

  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const pythonExtension = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
    if (!pythonExtension) {
      return undefined;
    }
    try {
      const exports: unknown = pythonExtension.isActive
        ? pythonExtension.exports
        : await withTimeout(Promise.resolve(pythonExtension.activate()), PYTHON_EXTENSION_TIMEOUT_MS);
      const api = (exports as { environments?: Partial<PythonEnvironmentsApi> } | undefined)?.environments;
      if (!api || typeof api.getActiveEnvironmentPath !== 'function') {
        return undefined;
      }
      if (!this.watchingPythonExtension && typeof api.onDidChangeActiveEnvironmentPath === 'function') {
        this.watchingPythonExtension = true;
        this.context.subscriptions.push(
          api.onDidChangeActiveEnvironmentPath(() => {
            if (this.consultsPythonExtension) {
              void this.restart("the Python extension's interpreter changed");
            }
          }),
        );
      }
      const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
      const environmentPath = api.getActiveEnvironmentPath(resource);
      let executable: string | undefined;
      if (typeof api.resolveEnvironment === 'function') {
        const resolved = await withTimeout(api.resolveEnvironment(environmentPath), PYTHON_EXTENSION_TIMEOUT_MS);
        executable = resolved?.executable?.uri?.fsPath;
      }
      return executable ?? (typeof environmentPath?.path === 'string' ? environmentPath.path : undefined);
    } catch (error) {
      this.log(`could not ask the Python extension for its interpreter: ${describe(error)}`);
      return undefined;
    }
  }

  private notifyNoPython(): void {
    if (this.notifiedNoPython) {
      return;
    }
    this.notifiedNoPython = true;
    const openSetting = 'Open Setting';
    const showOutput = 'Show Output';
    void vscode.window
      .showErrorMessage(
        `layerwise needs Python ${MIN_PYTHON.join('.')} or newer to run its Dockerfile language server, and found none. ` +
          `Install Python ${MIN_PYTHON.join('.')}+ (as python3 on PATH), or set "layerwise.interpreter" to a Python ${MIN_PYTHON.join('.')}+ executable.`,
        openSetting,
        showOutput,
      )
      .then((choice) => {
        if (choice === openSetting) {
          void openInterpreterSetting();
        } else if (choice === showOutput) {
          this.output.show(true);
        }
      });
  }

  // -- commands ---------------------------------------------------------------------------

  private async fixAll(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'dockerfile') {
      void vscode.window.showInformationMessage('layerwise: open a Dockerfile to fix.');
      return;
    }
    if (!this.client || this.client.state !== State.Running) {
      void this.offerOutput('layerwise: the language server is not running.');
      return;
    }
    const document = editor.document;
    const whole = document.validateRange(new vscode.Range(0, 0, document.lineCount, 0));
    const actions =
      (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        whole,
        FIX_ALL_KIND.value,
        // The server computes the fix-all edit on codeAction/resolve: have it resolved.
        10,
      )) ?? [];
    const fix = actions.find(
      (a): a is vscode.CodeAction => 'kind' in a && a.kind !== undefined && FIX_ALL_KIND.contains(a.kind),
    );
    if (!fix || (!fix.edit && !fix.command)) {
      void vscode.window.showInformationMessage('layerwise: nothing to fix.');
      return;
    }
    if (fix.edit && !(await vscode.workspace.applyEdit(fix.edit))) {
      void vscode.window.showWarningMessage('layerwise: the fixes could not be applied (the file changed meanwhile?).');
      return;
    }
    if (fix.command) {
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    }
  }

  private rulesDir(): string | undefined {
    const bundled = path.join(this.context.extensionPath, 'rules');
    const checkout = path.join(this.context.extensionPath, '..', 'rules'); // running from the repository
    return [bundled, checkout].find((dir) => fs.existsSync(path.join(dir, 'LW001.md')));
  }

  private async openRuleDoc(argument?: unknown): Promise<void> {
    const dir = this.rulesDir();
    if (!dir) {
      void vscode.window.showErrorMessage('layerwise: the rule documents are missing from this installation.');
      return;
    }
    const docs = ruleIndex(
      fs.readdirSync(dir).map((fileName) => ({
        fileName,
        text: /^LW\d{3}\.md$/.test(fileName) ? fs.readFileSync(path.join(dir, fileName), 'utf8') : '',
      })),
    );
    let doc: RuleDoc | undefined = docs.find((d) => d.code === ruleCodeOf(argument));
    if (!doc) {
      const atCursor = this.ruleCodeAtCursor();
      const items = docs.map((d) => ({ label: d.code, description: d.name, detail: d.summary, doc: d }));
      const active = items.find((item) => item.label === atCursor);
      const pick = vscode.window.createQuickPick<(typeof items)[number]>();
      pick.items = items;
      pick.placeholder = 'Rule to read about (code, name or summary)';
      pick.matchOnDescription = true;
      pick.matchOnDetail = true;
      if (active) {
        pick.activeItems = [active];
      }
      doc = await new Promise<RuleDoc | undefined>((resolve) => {
        pick.onDidAccept(() => {
          resolve(pick.selectedItems[0]?.doc ?? pick.activeItems[0]?.doc);
          pick.hide();
        });
        pick.onDidHide(() => {
          resolve(undefined);
          pick.dispose();
        });
        pick.show();
      });
    }
    if (!doc) {
      return;
    }
    const uri = vscode.Uri.file(path.join(dir, doc.fileName));
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }

  /** The code of a layerwise diagnostic under the cursor, to preselect in the quick pick. */
  private ruleCodeAtCursor(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      return undefined;
    }
    const position = editor.selection.active;
    const diagnostic = vscode.languages
      .getDiagnostics(editor.document.uri)
      .find((d) => d.source === SECTION && d.range.contains(position));
    return ruleCodeOf(diagnostic?.code);
  }

  // -- output -----------------------------------------------------------------------------

  private log(message: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  private setStatus(detail: string, severity: vscode.LanguageStatusSeverity, busy: boolean): void {
    this.status.detail = detail;
    this.status.severity = severity;
    this.status.busy = busy;
  }

  private async offerOutput(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Output');
    if (choice) {
      this.output.show(true);
    }
  }
}

/**
 * Opens the Settings editor on layerwise.interpreter. Its scope is machine-overridable, so in a
 * remote window (SSH, WSL, containers, code-server) the Settings editor lists it under the
 * Remote tab, not the User tab.
 */
async function openInterpreterSetting(): Promise<void> {
  const query = `${SECTION}.interpreter`;
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
      return;
    } catch {
      // older VS Code: fall back to the User tab
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', query);
}

function lintSettingsFor(scopeUri: string | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  return explicitLintSettings((key) => config.inspect(key));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
