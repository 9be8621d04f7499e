//===- AddSuppressions.h - Write suppression comments ----------*- C++ -*-===//
#ifndef MPGUARD_DRIVER_ADDSUPPRESSIONS_H
#define MPGUARD_DRIVER_ADDSUPPRESSIONS_H

#include "output/Report.h"

namespace mpguard {

/// `mpguard check --add-suppressions`: appends `# mpguard: ignore[CODES]`
/// to the line each finding of \p R is reported on (the adoption path for a
/// big codebase). Lines that end inside a string or with a backslash cannot
/// take a comment and are reported instead. Files are rewritten atomically
/// and only if the result still parses. Returns the exit status.
int addSuppressions(const Report &R);

} // namespace mpguard

#endif
