-- End-to-end check of `layerwise serve` inside a real (headless) Neovim.
--
-- Driven by tests/test_neovim.py; written against the Neovim 0.7 API (Debian 12 ships
-- 0.7.2: vim.lsp.start_client + vim.lsp.buf_attach_client, no vim.lsp.start, no vim.fs).
-- Parameters come from environment variables:
--
--   LAYERWISE_E2E_CMD          JSON array, the server command
--   LAYERWISE_E2E_ROOT         workspace root (root_dir)
--   LAYERWISE_E2E_FILE         the Dockerfile to open
--   LAYERWISE_E2E_OUT          where to write the JSON results
--   LAYERWISE_E2E_TIMEOUT_MS   per-wait timeout (default 20000)
--   LAYERWISE_E2E_DOC_CHANGES  "1": advertise workspaceEdit.documentChanges (Neovim 0.7
--                              does not by default, so the server answers with `changes`)
--   LAYERWISE_E2E_SETTINGS     Lua expression for the client's `settings` (default
--                              { layerwise = vim.empty_dict() })
--   LAYERWISE_E2E_SETTINGS_VIA how the settings reach the server, comma-separated:
--                              "configuration": advertise workspace.configuration (0.7 does
--                              not, so the server never asks); "push": send them with
--                              workspace/didChangeConfiguration from on_init (what
--                              nvim-lspconfig does); "init": initializationOptions.settings.
--                              Default: none of these (plain Neovim 0.7 behaviour).
--   LAYERWISE_E2E_MODE         "fixes" (default): ADD->COPY, then the unsafe USER fix;
--                              "open": open the file, record the diagnostics once none
--                              were published for LAYERWISE_E2E_SETTLE_MS (default 750);
--                              "features": hover, completion, document symbols, rename
--                              and formatting requests, edits applied to the buffer;
--                              "disk": create LAYERWISE_E2E_CREATE on disk, :write the
--                              buffer, record the diagnostics published after that
--   LAYERWISE_E2E_SPAWN_NS     the driver's CLOCK_MONOTONIC just before spawning nvim
--
-- The script never leaves Neovim running: whatever happens it writes what it has (plus
-- the error, :messages and the LSP log path) to LAYERWISE_E2E_OUT and quits with :qa!.

local uv = vim.loop
local t_script = uv.hrtime()

local out_path = os.getenv('LAYERWISE_E2E_OUT')
local TIMEOUT = tonumber(os.getenv('LAYERWISE_E2E_TIMEOUT_MS') or '') or 20000

local result = {
  nvim_version = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
  steps = {},
  show_messages = {},
  registrations = {},
  publishes = {},
  timings_ms = {},
}

local spawn_ns = tonumber(os.getenv('LAYERWISE_E2E_SPAWN_NS') or '')
local function since_spawn_ms(t)
  if spawn_ns then
    return (t - spawn_ns) / 1e6
  end
  return vim.NIL
end

local function getenv_required(name)
  local value = os.getenv(name)
  if value == nil or value == '' then
    error('environment variable ' .. name .. ' is not set')
  end
  return value
end

-- publishDiagnostics as received, in order: { version, uri, diagnostics (raw LSP) }
local published = {}
local client_id
local client

local function last_publish(uri)
  for i = #published, 1, -1 do
    if published[i].uri == uri then
      return published[i]
    end
  end
  return nil
end

local function buffer_text(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)
  local text = table.concat(lines, '\n')
  if vim.api.nvim_buf_get_option(bufnr, 'eol') then
    text = text .. '\n'
  end
  return text
end

-- Wait until the server has published diagnostics for the buffer's current version
-- (Neovim 0.7 sends b:changedtick as the didChange version; didOpen is version 0).
local function wait_for_current_diagnostics(bufnr, uri, label)
  local ok = vim.wait(TIMEOUT, function()
    local p = last_publish(uri)
    return p ~= nil and p.version == vim.lsp.util.buf_versions[bufnr]
  end, 20)
  if not ok then
    local p = last_publish(uri)
    error(string.format(
      '%s: no publishDiagnostics for %s at version %s within %d ms (last published version: %s; %d publishes; client initialized: %s)',
      label, uri, tostring(vim.lsp.util.buf_versions[bufnr]), TIMEOUT,
      p and tostring(p.version) or 'none', #published, tostring(client and client.initialized)))
  end
  return last_publish(uri)
end

local function snapshot(bufnr, uri, label)
  local p = wait_for_current_diagnostics(bufnr, uri, label)
  local ns = vim.lsp.diagnostic.get_namespace(client_id)
  local shown = vim.diagnostic.get(bufnr, { namespace = ns })
  table.sort(shown, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return tostring(a.code) < tostring(b.code)
  end)
  local diagnostics = {}
  for _, d in ipairs(shown) do
    table.insert(diagnostics, {
      code = d.code,
      source = d.source,
      severity = d.severity,
      message = d.message,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
    })
  end
  local raw = {}
  for _, d in ipairs(p.diagnostics) do
    table.insert(raw, { code = d.code, range = d.range })
  end
  local step = {
    label = label,
    version = p.version,
    text = buffer_text(bufnr),
    diagnostics = diagnostics,
    lsp_diagnostics = raw,
  }
  table.insert(result.steps, step)
  return p
end

local function find_lsp_diagnostic(p, code)
  for _, d in ipairs(p.diagnostics) do
    if d.code == code then
      return d
    end
  end
  error(string.format('no %s among the published diagnostics (version %s)', code, tostring(p.version)))
end

local function code_actions(bufnr, uri, diagnostic, label)
  local params = {
    textDocument = { uri = uri },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, TIMEOUT)
  if not responses then
    error(string.format('%s: textDocument/codeAction failed: %s', label, tostring(err)))
  end
  local response = responses[client_id]
  if not response then
    error(string.format('%s: no codeAction response from client %d', label, client_id))
  end
  if response.error then
    error(string.format('%s: codeAction error: %s', label, vim.inspect(response.error)))
  end
  local actions = response.result
  if actions == nil or actions == vim.NIL then
    actions = {}
  end
  local summary = {}
  for _, a in ipairs(actions) do
    local edit_shape = vim.NIL
    if type(a.edit) == 'table' then
      edit_shape = a.edit.documentChanges and 'documentChanges' or (a.edit.changes and 'changes' or 'empty')
    end
    table.insert(summary, {
      title = a.title,
      kind = a.kind,
      isPreferred = a.isPreferred == true,
      edit = edit_shape,
      diagnostic_codes = vim.tbl_map(function(d) return d.code end, a.diagnostics or {}),
    })
  end
  result.steps[#result.steps].actions = summary
  return actions
end

local function apply_action(actions, title, label)
  for _, a in ipairs(actions) do
    if a.title == title then
      if type(a.edit) ~= 'table' then
        error(string.format('%s: action %q has no edit', label, title))
      end
      vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
      return a
    end
  end
  local titles = vim.tbl_map(function(a) return a.title end, actions)
  error(string.format('%s: no action titled %q; got %s', label, title, vim.inspect(titles)))
end

-- One request to our client; its result (vim.NIL/nil become nil), or an error.
local function request(bufnr, method, params, label)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not responses then
    error(string.format('%s: %s failed: %s', label, method, tostring(err)))
  end
  local response = responses[client_id]
  if not response then
    error(string.format('%s: no %s response from client %d', label, method, client_id))
  end
  if response.error then
    error(string.format('%s: %s error: %s', label, method, vim.inspect(response.error)))
  end
  if response.result == vim.NIL then
    return nil
  end
  return response.result
end

local function hover_text(bufnr, uri, line, character, label)
  local hover = request(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = line, character = character },
  }, label)
  if not hover then
    return vim.NIL
  end
  local contents = hover.contents
  if type(contents) == 'table' and contents.value then
    return contents.value
  end
  return vim.inspect(contents)
end

local function completion_labels(bufnr, uri, line, label)
  -- the cursor at the end of `line` (0-based), typed as a person would
  local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, true)[1]
  local items = request(bufnr, 'textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = line, character = #text },
    context = { triggerKind = 1 },
  }, label)
  if items and items.items then
    items = items.items
  end
  return vim.tbl_map(function(item) return item.label end, items or {})
end

local function features(bufnr, uri)
  local f = {}
  f.hover_from = hover_text(bufnr, uri, 1, 1, 'hover FROM')
  f.hover_variable = hover_text(bufnr, uri, 1, 14, 'hover NODE_VERSION')

  local symbols = request(bufnr, 'textDocument/documentSymbol', { textDocument = { uri = uri } }, 'symbols') or {}
  f.symbols = vim.tbl_map(function(s) return { name = s.name, kind = s.kind, children = #(s.children or {}) } end, symbols)

  -- completion on a line typed at the end (then taken out again)
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, true, { 'COPY --' })
  f.completion_flags = completion_labels(bufnr, uri, last, 'completion COPY --')
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, true, { 'COPY --from=' })
  f.completion_stages = completion_labels(bufnr, uri, last, 'completion --from=')
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, true, {})
  f.text_after_completion = buffer_text(bufnr)

  local rename = request(bufnr, 'textDocument/rename', {
    textDocument = { uri = uri },
    position = { line = 1, character = 35 },
    newName = 'builder',
  }, 'rename')
  if not rename then
    error('rename: no workspace edit')
  end
  vim.lsp.util.apply_workspace_edit(rename, client.offset_encoding)
  f.text_after_rename = buffer_text(bufnr)

  local edits = request(bufnr, 'textDocument/formatting', {
    textDocument = { uri = uri },
    options = { tabSize = 4, insertSpaces = true },
  }, 'formatting')
  f.formatting_edits = #(edits or {})
  vim.lsp.util.apply_text_edits(edits or {}, bufnr, client.offset_encoding)
  f.text_after_format = buffer_text(bufnr)
  result.features = f
end

-- Creates a file on disk, saves the buffer (didSave) and waits for the next publish.
local function disk(bufnr, uri)
  local create = getenv_required('LAYERWISE_E2E_CREATE')
  local seen = #published
  local f = assert(io.open(create, 'w'))
  f:write('node_modules\n.git\n.env*\n.npmrc\n')
  f:close()
  vim.cmd('write')
  local ok = vim.wait(TIMEOUT, function()
    for i = seen + 1, #published do
      if published[i].uri == uri then
        return true
      end
    end
    return false
  end, 20)
  if not ok then
    error(string.format('no publishDiagnostics after creating %s and :write within %d ms', create, TIMEOUT))
  end
  snapshot(bufnr, uri, 'after write')
end

local function main()
  local cmd = vim.fn.json_decode(getenv_required('LAYERWISE_E2E_CMD'))
  local root = getenv_required('LAYERWISE_E2E_ROOT')
  local file = getenv_required('LAYERWISE_E2E_FILE')
  local mode = os.getenv('LAYERWISE_E2E_MODE') or 'fixes'
  local settings = { layerwise = vim.empty_dict() }
  local raw_settings = os.getenv('LAYERWISE_E2E_SETTINGS')
  if raw_settings and raw_settings ~= '' then
    settings = assert(loadstring('return ' .. raw_settings, 'LAYERWISE_E2E_SETTINGS'))()
  end

  local via = {}
  for word in string.gmatch(os.getenv('LAYERWISE_E2E_SETTINGS_VIA') or '', '[^,%s]+') do
    via[word] = true
  end

  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if os.getenv('LAYERWISE_E2E_DOC_CHANGES') == '1' then
    capabilities.workspace.workspaceEdit.documentChanges = true
  end
  -- Neovim >= 0.10 advertises pull diagnostics (textDocument/diagnostic); layerwise then
  -- never pushes. This script checks the push path, so it turns that capability off
  -- (vim.NIL, not nil: Neovim 0.11 deep-merges `capabilities` over its defaults).
  if capabilities.textDocument and capabilities.textDocument.diagnostic then
    capabilities.textDocument.diagnostic = vim.NIL
    result.pull_capability_removed = true
  end
  if via.configuration then
    capabilities.workspace.configuration = true
  end

  client_id = vim.lsp.start_client({
    name = 'layerwise',
    cmd = cmd,
    root_dir = root,
    capabilities = capabilities,
    settings = settings,
    init_options = via.init and { settings = settings.layerwise } or nil,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, res, ctx, config)
        local now = uv.hrtime()
        table.insert(published, { uri = res.uri, version = res.version, diagnostics = res.diagnostics })
        table.insert(result.publishes, {
          version = res.version,
          codes = vim.tbl_map(function(d) return d.code end, res.diagnostics),
        })
        if result.timings_ms.first_diagnostics_since_spawn == nil and #res.diagnostics > 0 then
          result.timings_ms.first_diagnostics_since_spawn = since_spawn_ms(now)
          result.timings_ms.first_diagnostics_since_script = (now - t_script) / 1e6
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, res, ctx, config)
      end,
      ['client/registerCapability'] = function(_, res)
        table.insert(result.registrations, res)
        return vim.NIL
      end,
      ['window/showMessage'] = function(_, res)
        table.insert(result.show_messages, { type = res.type, message = res.message })
        return vim.NIL
      end,
    },
    on_init = function(c, init_result)
      local now = uv.hrtime()
      result.timings_ms.initialized_since_spawn = since_spawn_ms(now)
      result.timings_ms.initialized_since_script = (now - t_script) / 1e6
      result.server_info = init_result.serverInfo
      result.offset_encoding = c.offset_encoding
      if via.push then
        c.notify('workspace/didChangeConfiguration', { settings = c.config.settings })
      end
    end,
  })
  if not client_id then
    error('vim.lsp.start_client returned nil for cmd ' .. vim.inspect(cmd))
  end
  client = vim.lsp.get_client_by_id(client_id)

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.detected_filetype = vim.bo[bufnr].filetype
  if vim.bo[bufnr].filetype ~= 'dockerfile' then
    vim.bo[bufnr].filetype = 'dockerfile'
  end
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    error('vim.lsp.buf_attach_client failed')
  end
  local uri = vim.uri_from_bufnr(bufnr)
  result.uri = uri

  local ok_init = vim.wait(TIMEOUT, function() return client.initialized == true end, 10)
  if not ok_init then
    error(string.format('server not initialized within %d ms', TIMEOUT))
  end

  if mode == 'open' then
    wait_for_current_diagnostics(bufnr, uri, 'open')
    -- Settings may be applied after the first publish (the server re-publishes then): take
    -- the diagnostics once nothing new has been published for LAYERWISE_E2E_SETTLE_MS.
    local settle = tonumber(os.getenv('LAYERWISE_E2E_SETTLE_MS') or '') or 750
    local seen, changed = #published, uv.hrtime()
    vim.wait(TIMEOUT, function()
      if #published ~= seen then
        seen, changed = #published, uv.hrtime()
      end
      return (uv.hrtime() - changed) / 1e6 >= settle
    end, 20)
    snapshot(bufnr, uri, 'open')
    return
  end

  if mode == 'features' then
    snapshot(bufnr, uri, 'open')
    features(bufnr, uri)
    return
  end

  if mode == 'disk' then
    snapshot(bufnr, uri, 'open')
    disk(bufnr, uri)
    return
  end

  local p = snapshot(bufnr, uri, 'open')

  -- Step 1: the safe fix on ADD.
  local add = find_lsp_diagnostic(p, 'LW701')
  local actions = code_actions(bufnr, uri, add, 'LW701')
  apply_action(actions, 'Replace ADD with COPY', 'LW701')
  p = snapshot(bufnr, uri, 'after LW701 fix')

  -- Step 2: the unsafe fix for the missing USER.
  local user = find_lsp_diagnostic(p, 'LW201')
  actions = code_actions(bufnr, uri, user, 'LW201')
  apply_action(actions, "Run as non-root user 'node' (unsafe)", 'LW201')
  snapshot(bufnr, uri, 'after LW201 fix')
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  result.error = tostring(err)
end

if client then
  result.client_stopped = false
  pcall(function()
    client.stop()
    result.client_stopped = vim.wait(5000, function() return client.is_stopped() end, 20)
  end)
end
result.messages = vim.api.nvim_exec('messages', true)
result.lsp_log = vim.lsp.get_log_path()

local function write_out()
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.json.encode(result))
  f:close()
end

if out_path and out_path ~= '' then
  local wrote, werr = pcall(write_out)
  if not wrote then
    io.stderr:write('e2e.lua: could not write results: ' .. tostring(werr) .. '\n')
  end
else
  io.stderr:write('e2e.lua: LAYERWISE_E2E_OUT is not set\n' .. vim.inspect(result) .. '\n')
end
vim.cmd('qa!')
