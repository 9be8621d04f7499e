// MPG105 fixed: embedded Python names a Python interpreter for its children.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  // A command-line program: it takes --verbose, and rejects anything else.
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verbose") == 0) {
      verbose = true;
    } else {
      std::fprintf(stderr, "%s: unknown argument '%s'\nusage: %s [--verbose]\n",
                   argv[0], argv[i], argv[0]);
      return 2;
    }
  }

  // The interpreter is named after the host, as embedding programs do: this
  // sets sys.executable to the host's own path.
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  PyStatus status =
      PyConfig_SetBytesString(&config, &config.program_name, argv[0]);
  if (!PyStatus_Exception(status))
    status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status))
    Py_ExitStatusException(status);

  if (verbose)
    PyRun_SimpleString("import sys\n"
                       "print(\"sys.executable:\", sys.executable)\n");
  // The job: it hands one task to a worker process started with "spawn",
  // and fails if the worker failed.
  int failed = PyRun_SimpleString(
      "import os\n"
      "import sys\n"
      "import multiprocessing as mp\n"
      // Children start a Python interpreter, not this program.
      "mp.set_executable(os.path.join(sys.exec_prefix, \"bin\", \"python3\"))\n"
      "ctx = mp.get_context(\"spawn\")\n"
      "p = ctx.Process(target=print, args=(\"child ok\",))\n"
      "p.start()\n"
      "p.join()\n"
      "if p.exitcode != 0:\n"
      "    raise RuntimeError(f\"worker exited with code {p.exitcode}\")\n");
  if (Py_FinalizeEx() < 0 || failed) {
    std::fprintf(stderr, "%s: the job failed\n", argv[0]);
    return 1;
  }
  return 0;
}
