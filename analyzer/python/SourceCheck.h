//===- SourceCheck.h - From file bytes to analyzable text ------*- C++ -*-===//
#ifndef MPGUARD_PYTHON_SOURCECHECK_H
#define MPGUARD_PYTHON_SOURCECHECK_H

#include "core/Finding.h"

#include <string>

namespace mpguard {
namespace python {

/// Turns a file's bytes into UTF-8 text the way CPython reads source: a
/// UTF-8 BOM is dropped, a PEP 263 coding declaration (`# -*- coding:
/// latin-1 -*-`) is honoured, anything else must be valid UTF-8 without NUL
/// bytes. On failure returns false and fills \p Error (Kind, Message, Line,
/// Column; the caller adds the path).
bool decodePythonSource(std::string &Bytes, ToolError &Error);

} // namespace python
} // namespace mpguard

#endif
