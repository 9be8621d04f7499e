//===- LspServer.h - mpguard lsp, a language server -------------*- C++ -*-===//
//
// LSP 3.17 over stdin/stdout: diagnostics for open Python buffers (checked
// as they are, unsaved, on open, change and save), quick fixes and
// "suppress on this line" code actions. Full sync and incremental sync,
// positions in UTF-16 (the default) or UTF-8 (negotiated through
// general.positionEncodings or clangd's offsetEncoding extension).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_LSP_LSPSERVER_H
#define MPGUARD_LSP_LSPSERVER_H

#include "core/Targets.h"

#include <optional>
#include <set>
#include <string>

namespace mpguard {

/// Runs the server until `exit` or end of input. Reads framed JSON-RPC from
/// \p InFd, writes only framed messages to \p OutFd (logs go to stderr).
/// Returns 0 if `shutdown` was received before the end, 1 otherwise.
int runLanguageServer(int InFd, int OutFd);

/// The rule codes enabled for the document at \p DocumentPath (absolute;
/// empty for a buffer that is not a file) by the configuration `mpguard
/// check` would read for it (the nearest mpguard.toml or pyproject.toml
/// with [tool.mpguard] from its directory up), with its per-file-ignores;
/// nothing when the configuration excludes it. A configuration that is
/// not valid gives the defaults and its errors in \p ConfigError. Its
/// platforms and target-python go to \p T.
std::optional<std::set<std::string>>
lspEnabledCodes(const std::string &DocumentPath, std::string &ConfigError,
                Targets &T);

} // namespace mpguard

#endif
