//===- ModuleCodec.h - PythonModule facts to bytes and back ----*- C++ -*-===//
//
// The facts of one module (everything FactBuilder and Resolver produce, not
// the source text) as a compact byte string, for the on-disk cache. Decoding
// treats the bytes as untrusted: every read is bounds-checked and every
// cross-reference (expression, scope, site, span) is validated, including
// that the expression graph has no cycles and scope parents precede their
// children, so a module decoded from corrupt bytes is either rejected or as
// safe to analyze as one built from source.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_MODULECODEC_H
#define MPGUARD_PYTHON_MODULECODEC_H

#include "python/PythonModule.h"

#include <string>
#include <string_view>

namespace mpguard {
namespace python {

/// Appends the facts of \p M (not File, ModuleName or NotRerunInChildren,
/// which depend on the path) to \p Out.
void encodeModuleFacts(const PythonModule &M, std::string &Out);

/// Fills the facts of \p M (whose File must be set: spans are checked
/// against its text) from \p Bytes. Returns false, leaving \p M's facts
/// unspecified, if the bytes are malformed in any way.
bool decodeModuleFacts(std::string_view Bytes, PythonModule &M);

} // namespace python
} // namespace mpguard

#endif
