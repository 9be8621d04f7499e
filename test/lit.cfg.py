# lit configuration for mpguard's test suite (run by CTest; see
# test/CMakeLists.txt for the parameters).
import os
import shutil

import lit.formats

config.name = "mpguard"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".py", ".test", ".cpp", ".c"]
config.excludes = ["Inputs", "unit", "fuzz", "lit.cfg.py", "tools"]
config.test_source_root = os.path.dirname(__file__)

params = lit_config.params
bin_dir = params.get("mpguard_bin_dir",
                     os.path.join(config.test_source_root, "..", "build"))
llvm_bin = params.get("llvm_bin_dir", "/usr/lib/llvm-19/bin")
source_root = params.get("source_root",
                         os.path.join(config.test_source_root, ".."))
config.test_exec_root = os.path.join(bin_dir, "test")

config.environment["PATH"] = os.pathsep.join(
    [bin_dir, llvm_bin, config.environment.get("PATH", "")])
# Deterministic output: no colour, whatever the terminal.
config.environment["NO_COLOR"] = "1"
# Every test runs with the facts cache on, as users do, in one directory
# shared by all tests of the run (which also exercises concurrent runs);
# never the user's own ~/.cache. Tests of the cache itself pass --cache-dir.
config.environment["MPGUARD_CACHE_DIR"] = os.path.join(bin_dir, "test",
                                                       "cache")
for var in ("XDG_CACHE_HOME",):
    config.environment.pop(var, None)

tools = os.path.join(config.test_source_root, "tools")
config.substitutions.append(("%mpguard", os.path.join(bin_dir, "mpguard")))
config.substitutions.append(
    ("%expect-exit", "python3 " + os.path.join(tools, "expect_exit.py")))
config.substitutions.append(("%source_root", source_root))
# The system interpreter, where Debian's python3-jsonschema lives.
config.substitutions.append(("%system_python", "/usr/bin/python3"))
config.substitutions.append(
    ("%sarif_multitool", params.get("sarif_multitool", "")))
config.substitutions.append(("%sarif_schema", params.get("sarif_schema", "")))
config.substitutions.append(("%tools", tools))
# The interpreter that runs Python programs under test (first on PATH).
config.substitutions.append(("%python", "python3"))
# The Python headers, for C/C++ tests of extensions and embedding
# (python3-dev; pybind11-dev installs into /usr/include).
import sysconfig
config.substitutions.append(
    ("%pyinc_flags", "-I" + sysconfig.get_paths()["include"]))

# Optional tools: tests that need one say `REQUIRES: NAME`.
if shutil.which("dpkg-deb"):
    config.available_features.add("dpkg-deb")
# Neovim's built-in LSP client drives `mpguard lsp` in lsp-neovim.test.
if shutil.which("nvim"):
    config.available_features.add("nvim")
