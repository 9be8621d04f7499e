//===- Targets.h - Platforms, Python versions, default start methods -*- C++
//-*-===//
//
// What `target-python` and `platforms` mean to the rules: which start
// method a Process or Pool gets when the code names none. CPython's history:
// fork on Linux until 3.13 and forkserver from 3.14; spawn on macOS from
// 3.8; spawn on Windows.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CORE_TARGETS_H
#define MPGUARD_CORE_TARGETS_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpguard {

enum class Platform : uint8_t { Linux, MacOS, Windows };
const char *platformName(Platform P);

/// The oldest and newest Python 3 minor versions `target-python` takes.
constexpr unsigned MinTargetMinor = 8, MaxTargetMinor = 14;
/// target-python is the oldest version the code runs on; it is assumed to
/// run on every later one too. The default is ruff's default target-version
/// (py39), so a project that configured neither gets one assumption.
constexpr unsigned DefaultTargetMinor = 9;

/// multiprocessing's default start method on \p P under Python 3.\p Minor.
const char *defaultStartMethod(Platform P, unsigned Minor);

/// The default start methods on \p P over the versions from 3.\p Minor up:
/// "fork (3.9-3.13), forkserver (3.14)".
std::string defaultStartMethods(Platform P, unsigned Minor);

/// The configured platforms and oldest version, as the rules read them.
struct Targets {
  std::vector<Platform> Platforms{Platform::Linux, Platform::MacOS,
                                  Platform::Windows};
  unsigned TargetMinor = DefaultTargetMinor;

  /// Whether \p Method ("fork", "spawn", "forkserver") is the default start
  /// method on some configured platform under some targeted version.
  bool defaultMayBe(std::string_view Method) const;
  /// Where it is: "linux, Python 3.9-3.13" or "macos and windows"; "" when
  /// nowhere.
  std::string whereDefault(std::string_view Method) const;
  /// Whether the default start method pickles what a child needs (spawn or
  /// forkserver somewhere).
  bool defaultMayPickle() const {
    return defaultMayBe("spawn") || defaultMayBe("forkserver");
  }
  /// Where they are, for messages: "spawn on macos and windows; forkserver
  /// on linux, Python 3.14".
  std::string defaultsThatPickle() const;

  /// The defaults: every platform, from Python 3.9.
  static const Targets &everywhere();
};

} // namespace mpguard

#endif
