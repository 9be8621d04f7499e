// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG105 embedded-python-multiprocessing,
// with the real Python headers (PyRun_SimpleString is a macro there).
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG105,MPG002 --format concise %s -- -std=c++17 %pyinc_flags | FileCheck %s --implicit-check-not=MPG
// Linux only, Python 3.9: fork is the default, so only the code that names
// spawn or forkserver is reported.
// RUN: %expect-exit 1 %mpguard check --isolated --platforms linux --target-python 3.9 --select MPG105 --format concise %s -- -std=c++17 %pyinc_flags | FileCheck %s --check-prefix=LINUX
#include <Python.h>
#include <cstdio>
#include <unistd.h>

// --- positive ---------------------------------------------------------------
void run_spawn() {
  PyRun_SimpleString("import multiprocessing as mp\n"
                     "ctx = mp.get_context('spawn')\n"
                     "p = ctx.Process(target=print, args=('child',))\n"
                     "p.start()\n"
                     // CHECK: :[[@LINE-1]]:23: warning: `p.start` in embedded Python starts processes (it uses spawn) without multiprocessing.set_executable(): they start sys.executable, which in an embedding program is the program itself{{.*}}[MPG105 embedded-python-multiprocessing]
                     // CHECK-NEXT: :[[@LINE-5]]:3: note: the Python source is passed to `PyRun_SimpleStringFlags` here
                     // LINUX: :[[@LINE-3]]:23: warning: `p.start` in embedded Python starts processes (it uses spawn)
                     "p.join()\n");
}

void run_default(PyObject *globals) {
  PyRun_String("from concurrent.futures import ProcessPoolExecutor\n"
               "with ProcessPoolExecutor() as ex:\n"
               "    print(list(ex.map(abs, [-1, -2])))\n",
               // CHECK: :[[@LINE-1]]:32: warning: `ex.map` in embedded Python starts processes (the default start method is not fork on linux: fork (3.9-3.13), forkserver (3.14); macos: spawn; windows: spawn){{.*}}[MPG105 embedded-python-multiprocessing]
               // CHECK-NEXT: note: the Python source is passed to `PyRun_StringFlags` here
               Py_file_input, globals, globals);
}

// The Python rules that still apply run on the embedded source: a second
// set_start_method without force=True raises (MPG002), mapped into the
// literal.
void run_twice() {
  PyRun_SimpleString("import multiprocessing\n"
                     "multiprocessing.set_start_method('fork')\n"
                     "multiprocessing.set_start_method('fork')\n");
  // CHECK: :[[@LINE-1]]:23: error: {{.*}}set_start_method{{.*}}[MPG002 unguarded-set-start-method]
  // CHECK: note: the Python source is passed to `PyRun_SimpleStringFlags` here
}

int fork_while_running() {
  Py_Initialize();
  pid_t pid = fork();
  // CHECK: :[[@LINE-1]]:15: warning: `fork` while the embedded Python interpreter runs, without PyOS_BeforeFork() first{{.*}}[MPG105 embedded-python-multiprocessing]
  // CHECK-NEXT: :[[@LINE-3]]:3: note: the interpreter runs from here (`Py_Initialize`)
  if (pid == 0) {
    PyRun_SimpleString("print('child')\n");
    _exit(0);
  }
  return Py_FinalizeEx();
}

// --- negative ---------------------------------------------------------------
void run_with_executable() {
  PyRun_SimpleString("import multiprocessing as mp, os, sys\n"
                     "mp.set_executable(os.path.join(sys.exec_prefix, 'bin', 'python3'))\n"
                     "ctx = mp.get_context('spawn')\n"
                     "p = ctx.Process(target=print)\n"
                     "p.start(); p.join()\n");
}

void run_fork_context() {
  PyRun_SimpleString("import multiprocessing as mp\n"
                     "p = mp.get_context('fork').Process(target=print)\n"
                     "p.start(); p.join()\n");
}

// No guard needed: an embedded __main__ is never re-run by children.
void run_unguarded_pool_with_executable() {
  PyRun_SimpleString("import multiprocessing as mp\n"
                     "mp.set_executable('/usr/bin/python3')\n"
                     "mp.set_start_method('spawn')\n"
                     "mp.Pool(2).map(abs, [1])\n");
}

int fork_prepared() {
  Py_Initialize();
  PyOS_BeforeFork();
  pid_t pid = fork();
  if (pid == 0) {
    PyOS_AfterFork_Child();
    PyRun_SimpleString("print('child')\n");
    _exit(0);
  }
  PyOS_AfterFork_Parent();
  return Py_FinalizeEx();
}

int fork_exec_only(char *const argv[]) {
  Py_Initialize();
  if (fork() == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  return Py_FinalizeEx();
}

int fork_after_finalize() {
  Py_Initialize();
  Py_FinalizeEx();
  if (fork() == 0)
    puts("child");
  return 0;
}
