-- Drives `mpguard lsp` through neovim's built-in LSP client (neovim 0.7:
-- vim.lsp.start_client), as an editor user would:
--
--   MPGUARD=/path/to/mpguard MPGUARD_PY=/tmp/dir/job.py \
--     nvim --headless --clean -u test/tools/nvim_lsp.lua
--
-- Opens MPGUARD_PY, attaches the server (offering UTF-8 through clangd's
-- offsetEncoding extension, which is how neovim before 0.9 negotiates),
-- waits for the diagnostics and prints them as the server sent them and as
-- vim.diagnostic holds them, asks for the code actions on the first one,
-- applies the fix with vim.lsp.util.apply_workspace_edit, prints the
-- buffer, waits for the server to re-check the edited buffer (neovim sends
-- the edit as an incremental didChange) and stops the server. Output goes
-- to stdout; any timeout or unexpected answer prints a message to stderr
-- and exits 1. Timeouts guard against hangs only: every wait ends as soon
-- as its condition holds.

local TIMEOUT_MS = 20000

local function out(line)
  io.stdout:write(line .. "\n")
end

local function fail(message)
  io.stderr:write("nvim_lsp.lua: " .. message .. "\n")
  io.stderr:flush()
  vim.cmd("cquit 1")
end

local ok, err = pcall(function()
  local mpguard = os.getenv("MPGUARD")
  local path = os.getenv("MPGUARD_PY")
  if not mpguard or not path then
    fail("set MPGUARD and MPGUARD_PY")
  end

  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()

  local published = {} -- every publishDiagnostics for the buffer, in order
  local exit_code = nil
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.offsetEncoding = { "utf-8", "utf-16" }

  local client_id = vim.lsp.start_client({
    name = "mpguard",
    cmd = { mpguard, "lsp" },
    root_dir = vim.fn.fnamemodify(path, ":h"),
    capabilities = capabilities,
    on_init = function(client, result)
      -- neovim 0.7 takes the server's choice only when told to.
      if result.offsetEncoding then
        client.offset_encoding = result.offsetEncoding
      end
    end,
    on_exit = function(code)
      exit_code = code
    end,
    handlers = {
      ["textDocument/publishDiagnostics"] = function(e, result, ctx, config)
        table.insert(published, result)
        return vim.lsp.handlers["textDocument/publishDiagnostics"](e, result, ctx, config)
      end,
    },
  })
  if not client_id then
    fail("vim.lsp.start_client failed")
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  if not vim.wait(TIMEOUT_MS, function()
    return #published > 0
  end, 10) then
    fail("timed out waiting for diagnostics")
  end
  local client = vim.lsp.get_client_by_id(client_id)
  out("encoding: " .. client.offset_encoding)

  local first = published[1]
  out("version: " .. tostring(first.version))
  for _, d in ipairs(first.diagnostics) do
    out(string.format("lsp: %d:%d-%d:%d severity=%d %s %s: %s", d.range.start.line,
      d.range.start.character, d.range["end"].line, d.range["end"].character, d.severity,
      d.source, d.code, d.message))
    if d.codeDescription then
      out("href: " .. d.codeDescription.href)
    end
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    out(string.format("vim.diagnostic: lnum=%d col=%d end_col=%d", d.lnum, d.col, d.end_col))
  end
  if #first.diagnostics == 0 then
    fail("no diagnostics for the buffer")
  end

  local diagnostic = first.diagnostics[1]
  local responses, request_err = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  }, TIMEOUT_MS)
  if not responses then
    fail("codeAction: " .. tostring(request_err))
  end
  local response = responses[client_id]
  if not response or response.error then
    fail("codeAction failed: " .. vim.inspect(response))
  end
  local fix = nil
  for _, action in ipairs(response.result) do
    out("action: " .. action.title .. (action.isPreferred and " (preferred)" or ""))
    if not fix and action.title:match("^Fix ") then
      fix = action
    end
  end
  if not fix then
    fail("no fix action")
  end

  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  out("--- buffer after the fix")
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    out(line)
  end
  out("---")

  -- neovim sends the edit (incrementally); the server re-checks it.
  local count = #published
  if not vim.wait(TIMEOUT_MS, function()
    return #published > count
  end, 10) then
    fail("timed out waiting for diagnostics after the fix")
  end
  local last = published[#published]
  out(string.format("after the fix: version %s, %d diagnostics", tostring(last.version),
    #last.diagnostics))

  vim.lsp.stop_client(client_id)
  if not vim.wait(TIMEOUT_MS, function()
    return exit_code ~= nil
  end, 10) then
    fail("timed out waiting for the server to exit")
  end
  out("server exit: " .. tostring(exit_code))
end)

if not ok then
  fail(tostring(err))
end
io.stdout:flush()
vim.cmd("qall!")
