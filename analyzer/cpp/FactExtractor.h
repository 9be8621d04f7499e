//===- FactExtractor.h - One AST pass per TU into CppFacts -----*- C++ -*-===//
//
// Part of mpguard-cxx only (it includes clang).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CPP_FACTEXTRACTOR_H
#define MPGUARD_CPP_FACTEXTRACTOR_H

#include "cpp/CppFacts.h"

namespace clang {
class ASTContext;
}

namespace mpguard {
namespace cpp {

/// Adds every function with a body outside system headers (methods,
/// lambdas, template instantiations) to \p TU, with its CFG reduced to
/// events and edges.
void extractFacts(clang::ASTContext &Ctx, TranslationUnit &TU);

} // namespace cpp
} // namespace mpguard

#endif
