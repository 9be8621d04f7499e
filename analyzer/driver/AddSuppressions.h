//===- AddSuppressions.h - Write suppression comments ----------*- C++ -*-===//
#ifndef MPGUARD_DRIVER_ADDSUPPRESSIONS_H
#define MPGUARD_DRIVER_ADDSUPPRESSIONS_H

#include "output/Report.h"

#include <set>
#include <string>

namespace mpguard {

namespace python {
class PythonModule;
}

/// The insertion that makes 1-based \p Line of \p M's file suppress
/// \p Codes: the codes added inside the brackets of a `# mpguard:
/// ignore[...]` comment the line already has, else `  # mpguard:
/// ignore[CODES]` appended at the line's end. Returns false when the line
/// cannot take a comment: it ends inside a multi-line string or continues
/// with a backslash. Shared by --add-suppressions and the language
/// server's "Suppress" code action.
bool suppressionEdit(const python::PythonModule &M, uint32_t Line,
                     const std::set<std::string> &Codes, Edit &Out);

/// `mpguard check --add-suppressions`: appends `# mpguard: ignore[CODES]`
/// to the line each finding of \p R is reported on (the adoption path for a
/// big codebase). Lines that end inside a string or with a backslash cannot
/// take a comment and are reported instead. Files are rewritten atomically
/// and only if the result still parses. Returns the exit status.
int addSuppressions(const Report &R);

} // namespace mpguard

#endif
