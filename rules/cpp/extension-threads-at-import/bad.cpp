// MPG106 bad: the extension's init function starts a thread; a later
// os.fork() in the importing process deadlocks in the child.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

// --- the extension module `ext`: a cache that a thread writes out ----------
static std::mutex cache_mutex; // guards cache
static std::map<std::string, long> cache, written;
static std::atomic<bool> busy{false}, forked{false};

// The flusher writes the cache out every 10 ms, holding the lock. The
// handshake (busy, forked) makes it hold the lock while the importing
// process forks, every time.
static void flush_loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(cache_mutex);
      busy = true;
      while (!forked)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      written = cache;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

static PyObject *ext_put(PyObject *, PyObject *args) {
  const char *key;
  long value;
  if (!PyArg_ParseTuple(args, "sl", &key, &value))
    return nullptr;
  std::lock_guard<std::mutex> lock(cache_mutex);
  cache[key] = value;
  Py_RETURN_NONE;
}

static PyObject *ext_get(PyObject *, PyObject *args) {
  const char *key;
  if (!PyArg_ParseTuple(args, "s", &key))
    return nullptr;
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = cache.find(key);
  if (it == cache.end())
    return PyErr_Format(PyExc_KeyError, "%s", key);
  return PyLong_FromLong(it->second);
}

// The handshake: wait_busy() returns once the flusher holds the lock;
// forked() lets it go on.
static PyObject *ext_wait_busy(PyObject *, PyObject *) {
  while (!busy)
    std::this_thread::yield();
  Py_RETURN_NONE;
}

static PyObject *ext_forked(PyObject *, PyObject *) {
  forked = true;
  Py_RETURN_NONE;
}

static PyMethodDef ext_methods[] = {
    {"put", ext_put, METH_VARARGS, "put(key, value): store a value"},
    {"get", ext_get, METH_VARARGS, "get(key): the value stored for key"},
    {"wait_busy", ext_wait_busy, METH_NOARGS, "wait until the flusher runs"},
    {"forked", ext_forked, METH_NOARGS, "the process has forked"},
    {nullptr, nullptr, 0, nullptr}};

static PyModuleDef ext_module = {PyModuleDef_HEAD_INIT,
                                 "ext",
                                 "A cache written out by a thread.",
                                 -1,
                                 ext_methods,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr};

PyMODINIT_FUNC PyInit_ext() {
  PyObject *module = PyModule_Create(&ext_module);
  if (!module)
    return nullptr;
  // MPG106: the thread outlives the init function: it runs in every process
  // that imports ext, and every later fork() of that process copies its lock
  // in whatever state it is.
  std::thread(flush_loop).detach();
  return module;
}

// --- the program: Python code that imports ext, then forks -----------------
static const char program[] =
    "import os\n"
    "import sys\n"
    "import time\n"
    // Importing ext runs PyInit_ext, which starts the flusher thread.
    "import ext\n"
    "ext.put(\"answer\", 42)\n"
    // The handshake: the flusher holds the cache lock until ext.forked().
    "ext.wait_busy()\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    // The child's copy of the lock is held by a thread the child does not
    // have: ext.get() blocks forever.
    "    print(\"child: answer =\", ext.get(\"answer\"), flush=True)\n"
    "    os._exit(0)\n"
    "ext.forked()\n"
    "for _ in range(100):\n"
    "    done, status = os.waitpid(pid, os.WNOHANG)\n"
    "    if done:\n"
    "        break\n"
    "    time.sleep(0.01)\n"
    "else:\n"
    "    print(f\"parent: child {pid} still blocked after 1 s: \"\n"
    "          \"deadlocked in ext.get() on the cache lock, which \"\n"
    "          \"ext's flusher thread held at os.fork(); waiting \"\n"
    "          \"for it forever (Ctrl-C to stop)\",\n"
    "          file=sys.stderr, flush=True)\n"
    "    _, status = os.waitpid(pid, 0)\n"
    "if os.waitstatus_to_exitcode(status) != 0:\n"
    "    raise RuntimeError(\"the child failed\")\n";

int main() {
  // ext is built into the program; `import ext` calls PyInit_ext.
  if (PyImport_AppendInittab("ext", PyInit_ext) < 0)
    return 1;
  Py_Initialize();
  int failed = PyRun_SimpleString(program);
  if (Py_FinalizeEx() < 0 || failed)
    return 1;
  return 0;
}
