// MPG106 fixed: the extension starts its thread when asked to, after the
// fork; importing it starts nothing.
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
static std::atomic<bool> stopping{false};
// Started by start_worker(), joined by stop_worker().
static std::thread flusher;

// The flusher writes the cache out every 10 ms, holding the lock.
static void flush_loop() {
  while (!stopping) {
    {
      std::lock_guard<std::mutex> lock(cache_mutex);
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

// The thread is started and stopped explicitly, by the Python code that
// decides when the process forks.
static PyObject *ext_start_worker(PyObject *, PyObject *) {
  if (!flusher.joinable()) {
    stopping = false;
    flusher = std::thread(flush_loop);
  }
  Py_RETURN_NONE;
}

static PyObject *ext_stop_worker(PyObject *, PyObject *) {
  if (flusher.joinable()) {
    stopping = true;
    flusher.join();
  }
  Py_RETURN_NONE;
}

static PyMethodDef ext_methods[] = {
    {"put", ext_put, METH_VARARGS, "put(key, value): store a value"},
    {"get", ext_get, METH_VARARGS, "get(key): the value stored for key"},
    {"start_worker", ext_start_worker, METH_NOARGS, "start the flusher"},
    {"stop_worker", ext_stop_worker, METH_NOARGS, "stop the flusher"},
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
  // No thread here: importing ext leaves the process single-threaded.
  return PyModule_Create(&ext_module);
}

// --- the program: Python code that imports ext, forks, then starts the flusher
static const char program[] =
    "import os\n"
    // Importing ext starts no thread.
    "import ext\n"
    "ext.put(\"answer\", 42)\n"
    // No thread is running: the child's copy of the lock is free.
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    print(\"child: answer =\", ext.get(\"answer\"), flush=True)\n"
    "    os._exit(0)\n"
    // The parent's flusher, started after the fork, stopped before the end.
    "ext.start_worker()\n"
    "_, status = os.waitpid(pid, 0)\n"
    "ext.stop_worker()\n"
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
