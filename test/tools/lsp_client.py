#!/usr/bin/env python3
"""A scripted LSP client for `mpguard lsp` (stdlib only).

Usage: lsp_client.py MPGUARD

Starts `MPGUARD lsp` several times, speaks framed JSON-RPC to it and
asserts on every answer: initialization and position encodings, diagnostics
for unsaved buffers (ranges in UTF-16 and UTF-8, rule links, related
information), incremental and full changes, syntax errors, code actions
(whose edits are applied here and re-checked), didClose, shutdown and exit
statuses, and recovery from malformed input. The server answers every
message in order, so each expectation is "the next message"; timeouts only
guard against a hang. Prints one line per passed check; exits 1 on the
first failure.
"""
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.parse

TIMEOUT = 30  # seconds; a failure guard, never a synchronization


class Failure(Exception):
    pass


def check(cond, what, detail=None):
    if not cond:
        msg = "FAIL: " + what
        if detail is not None:
            msg += "\n" + json.dumps(detail, indent=1, ensure_ascii=False)
        raise Failure(msg)
    print("ok:", what)


class Server:
    """One `mpguard lsp` process and a thread reading its framed output."""

    def __init__(self, mpguard, name):
        self.name = name
        self.proc = subprocess.Popen([mpguard, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = out.readline()
                    if not line:
                        self.messages.put(None)
                        return
                    line = line.rstrip(b"\r\n")
                    if not line:
                        break
                    key, _, value = line.decode("ascii").partition(":")
                    headers[key.strip().lower()] = value.strip()
                body = out.read(int(headers["content-length"]))
                self.messages.put(json.loads(body.decode("utf-8")))
        except Exception as e:  # reported by the reader of the queue
            self.messages.put(e)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message, content_type=False):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        header = b"Content-Length: %d\r\n" % len(body)
        if content_type:
            header += (b"Content-Type: application/vscode-jsonrpc; "
                       b"charset=utf-8\r\n")
        self.send_raw(header + b"\r\n" + body)

    def notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def send_request(self, method, params=None):
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.next_id

    def receive(self):
        try:
            message = self.messages.get(timeout=TIMEOUT)
        except queue.Empty:
            raise Failure(f"{self.name}: no message within {TIMEOUT} s")
        if isinstance(message, Exception):
            raise Failure(f"{self.name}: unreadable output: {message!r}")
        if message is None:
            raise Failure(f"{self.name}: the server closed its output")
        return message

    def response(self, msg_id):
        """The next message, which must be the response to msg_id."""
        message = self.receive()
        if message.get("id") != msg_id or "method" in message:
            raise Failure(f"{self.name}: expected the response to {msg_id}, "
                          f"got {json.dumps(message)}")
        return message

    def request(self, method, params=None):
        return self.response(self.send_request(method, params))

    def diagnostics(self, uri):
        """The next message, which must publish diagnostics for uri."""
        message = self.receive()
        if (message.get("method") != "textDocument/publishDiagnostics"
                or message["params"]["uri"] != uri):
            raise Failure(f"{self.name}: expected diagnostics for {uri}, "
                          f"got {json.dumps(message)}")
        return message["params"]

    def initialize(self, capabilities=None):
        reply = self.request("initialize", {
            "processId": os.getpid(), "rootUri": None,
            "capabilities": capabilities or {}})
        self.notify("initialized", {})
        return reply

    def nothing_pending(self):
        """Whether the server sent nothing since the last expected message:
        a request's response must be the very next message."""
        reply = self.request("mpguard/noSuchMethod")
        return reply["error"]["code"] == -32601

    def finish(self, shutdown=True):
        if shutdown:
            reply = self.request("shutdown")
            check(reply.get("result", "absent") is None,
                  f"{self.name}: shutdown answers null", reply)
        self.notify("exit")
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure(f"{self.name}: did not exit after 'exit'")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --- text and positions, as an LSP client sees them --------------------------

def split_lines(text):
    """Lines with their terminators, split where LSP splits: CR LF, LF, CR."""
    lines, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\r":
            end = i + 2 if text[i + 1:i + 2] == "\n" else i + 1
            lines.append(text[start:end])
            start = i = end
        elif text[i] == "\n":
            lines.append(text[start:i + 1])
            start = i = i + 1
        else:
            i += 1
    lines.append(text[start:])
    return lines


def units(ch, encoding):
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    return 2 if ord(ch) > 0xFFFF else 1


def to_index(text, pos, encoding):
    """The str index of an LSP position."""
    lines = split_lines(text)
    if pos["line"] >= len(lines):
        return len(text)
    index = sum(len(l) for l in lines[:pos["line"]])
    line = lines[pos["line"]].rstrip("\r\n")
    count = 0
    for ch in line:
        if count >= pos["character"]:
            break
        count += units(ch, encoding)
        index += 1
    return index


def to_position(text, index, encoding):
    before = text[:index]
    lines = split_lines(before)
    return {"line": len(lines) - 1,
            "character": sum(units(c, encoding) for c in lines[-1])}


def range_of(text, needle, encoding, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {"start": to_position(text, start, encoding),
            "end": to_position(text, start + len(needle), encoding)}


def apply_edits(text, edits, encoding):
    """Applies LSP TextEdits (ranges in the original text; inserts at one
    position in array order)."""
    spans = []
    for n, e in enumerate(edits):
        spans.append((to_index(text, e["range"]["start"], encoding),
                      to_index(text, e["range"]["end"], encoding), n,
                      e["newText"]))
    spans.sort(key=lambda s: (s[0], s[2]))
    out, at = [], 0
    for begin, end, _, new in spans:
        if begin < at:
            raise Failure(f"overlapping edits: {edits}")
        out.append(text[at:begin])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


def edits_for(edit, uri):
    """The TextEdits a WorkspaceEdit makes to uri (changes or
    documentChanges)."""
    if "documentChanges" in edit:
        found = [c["edits"] for c in edit["documentChanges"]
                 if c["textDocument"]["uri"] == uri]
        check(len(found) == 1, "one TextDocumentEdit for the document", edit)
        return found[0]
    check(list(edit["changes"]) == [uri], "changes only for the document",
          edit)
    return edit["changes"][uri]


def compiles(text):
    try:
        compile(text, "<fixed>", "exec")
        return True
    except SyntaxError:
        return False


def file_uri(path):
    return "file://" + urllib.parse.quote(path)


# --- the scenarios -----------------------------------------------------------

SCRIPT = ('import multiprocessing\n'
          '\n'
          'print("\u00e9\U0001F600", multiprocessing.Pool(2))\n')
CALL = "multiprocessing.Pool(2)"

RELATED = ('import multiprocessing as mp\n'
           '\n'
           '\n'
           'def start_all():\n'
           '    return inner()\n'
           '\n'
           '\n'
           'def inner():\n'
           '    with mp.Pool(2) as pool:\n'
           '        return pool.map(abs, range(3))\n'
           '\n'
           '\n'
           'start_all()\n')


def open_doc(server, uri, text, version=1, language="python"):
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": language, "version": version,
        "text": text}})


def change(server, uri, version, changes):
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": changes})


def code_actions(server, uri, rng, diagnostics=()):
    reply = server.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": rng,
        "context": {"diagnostics": list(diagnostics)}})
    check("result" in reply and isinstance(reply["result"], list),
          "codeAction returns a list", reply)
    return reply["result"]


def before_initialize(mpguard):
    s = Server(mpguard, "uninitialized")
    try:
        # A notification before initialize is dropped, a request refused.
        open_doc(s, "file:///tmp/early.py", SCRIPT)
        reply = s.request("textDocument/codeAction", {
            "textDocument": {"uri": "file:///tmp/early.py"},
            "range": {"start": {"line": 0, "character": 0},
                      "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []}})
        check(reply.get("error", {}).get("code") == -32002,
              "a request before initialize: -32002", reply)
        # Malformed input is answered with a parse error (id null) and the
        # server carries on: a bad header, then a body that is not JSON.
        s.send_raw(b"Content-Length: twelve\r\n\r\n{\"x\": 1}")
        reply = s.receive()
        check(reply.get("id", "absent") is None
              and reply.get("error", {}).get("code") == -32700,
              "a malformed header: -32700 with id null", reply)
        s.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc")
        reply = s.receive()
        check(reply.get("id", "absent") is None
              and reply.get("error", {}).get("code") == -32700,
              "a body that is not JSON: -32700 with id null", reply)
        deep = b"[" * 100000
        s.send_raw(b"Content-Length: %d\r\n\r\n" % len(deep) + deep)
        reply = s.receive()
        check(reply.get("error", {}).get("code") == -32700,
              "JSON nested 100000 deep: -32700, no stack overflow", reply)
        s.send_raw(b"Garbage without a colon\r\n\r\n")
        reply = s.receive()
        check(reply.get("error", {}).get("code") == -32700,
              "a header line without a colon: -32700", reply)
        reply = s.request("initialize", {"capabilities": {}})
        check("result" in reply,
              "initialize works after malformed messages", reply)
        reply = s.request("initialize", {"capabilities": {}})
        check(reply.get("error", {}).get("code") == -32600,
              "a second initialize: -32600", reply)
        # Input ends without shutdown: exit status 1.
        s.proc.stdin.close()
        status = s.proc.wait(timeout=TIMEOUT)
        check(status == 1, "end of input without shutdown: exit status 1",
              status)
    finally:
        s.kill()


def utf16_session(mpguard, tmp):
    s = Server(mpguard, "utf-16")
    try:
        reply = s.initialize()
        result = reply["result"]
        caps = result["capabilities"]
        check(caps.get("positionEncoding") == "utf-16",
              "default position encoding: utf-16", result)
        check(caps.get("textDocumentSync") == {
            "openClose": True, "change": 2, "save": {"includeText": True}},
            "textDocumentSync: open/close, incremental, save with text",
            caps)
        check(caps.get("codeActionProvider") == {
            "codeActionKinds": ["quickfix"]}, "quickfix code actions", caps)
        check(result.get("serverInfo", {}).get("name") == "mpguard"
              and result["serverInfo"].get("version"), "serverInfo", result)
        check("offsetEncoding" not in result,
              "no offsetEncoding unless the client asked", result)

        # --- diagnostics of an unsaved buffer --------------------------
        path = os.path.join(tmp, "job.py")  # never written: unsaved
        uri = file_uri(path)
        open_doc(s, uri, SCRIPT, version=1)
        params = s.diagnostics(uri)
        check(params.get("version") == 1, "diagnostics carry the version",
              params)
        diags = params["diagnostics"]
        check(len(diags) == 1, "one diagnostic for the unguarded Pool", diags)
        d = diags[0]
        check(d["code"] == "MPG001" and d["source"] == "mpguard"
              and d["severity"] == 1, "code MPG001, source mpguard, error", d)
        # 'é' is one UTF-16 unit, the emoji two: the call starts at 13.
        check(d["range"] == {"start": {"line": 2, "character": 13},
                             "end": {"line": 2, "character": 36}},
              "range in UTF-16 code units (2:13-2:36)", d)
        check(d["range"] == range_of(SCRIPT, CALL, "utf-16"),
              "the range is exactly the call", d)
        sarif = sarif_help_uri(mpguard, tmp)
        check(d.get("codeDescription", {}).get("href") == sarif
              and sarif.endswith(
                  "rules/python/unguarded-process-start/README.md"),
              "codeDescription.href is the SARIF helpUri", [d, sarif])
        first_diag = d

        # --- code actions: fix and suppress, applied and re-checked -----
        actions = code_actions(s, uri, d["range"], [d])
        titles = [a["title"] for a in actions]
        check(len(actions) == 2 and titles[0].startswith("Fix MPG001: ")
              and titles[1] == "Suppress MPG001 on this line",
              "a fix and a suppress action", actions)
        fix, suppress = actions
        check(fix["kind"] == "quickfix" and fix.get("isPreferred") is True
              and "(unsafe)" not in fix["title"],
              "the safe fix is a preferred quickfix", fix)
        check(fix["diagnostics"][0]["code"] == "MPG001"
              and fix["diagnostics"][0]["range"] == d["range"],
              "the fix names its diagnostic", fix)
        check("changes" in fix["edit"],
              "a `changes` edit when documentChanges was not announced", fix)
        fixed = apply_edits(SCRIPT, edits_for(fix["edit"], uri), "utf-16")
        check(compiles(fixed), "the fixed text compiles", fixed)
        check('if __name__ == "__main__":' in fixed and
              "\u00e9\U0001F600" in fixed,
              "the fix adds the guard and keeps the text", fixed)
        change(s, uri, 2, [{"text": fixed}])
        params = s.diagnostics(uri)
        check(params["diagnostics"] == [] and params["version"] == 2,
              "no findings in the fixed text (whole-document change)", params)
        # The actions are recomputed from the current text: none now.
        check(code_actions(s, uri, d["range"], [d]) == [],
              "no code actions once fixed (stale diagnostic ignored)")
        change(s, uri, 3, [{"text": SCRIPT}])
        check(len(s.diagnostics(uri)["diagnostics"]) == 1,
              "the finding is back with the original text")
        suppressed = apply_edits(SCRIPT, edits_for(suppress["edit"], uri),
                                 "utf-16")
        check(suppressed == SCRIPT.replace(
            CALL + ")\n", CALL + ")  # mpguard: ignore[MPG001]\n"),
            "suppress appends the comment to the line", suppressed)
        change(s, uri, 4, [{"text": suppressed}])
        check(s.diagnostics(uri)["diagnostics"] == [],
              "no findings once suppressed")
        # A line that already has an ignore list gets the code added.
        listed = SCRIPT.replace(CALL + ")", CALL + ")  # mpguard: ignore[MPG002]")
        change(s, uri, 5, [{"text": listed}])
        d = s.diagnostics(uri)["diagnostics"][0]
        actions = code_actions(s, uri, d["range"])
        edits = edits_for(actions[-1]["edit"], uri)
        result = apply_edits(listed, edits, "utf-16")
        check(result == SCRIPT.replace(
            CALL + ")", CALL + ")  # mpguard: ignore[MPG002, MPG001]"),
            "suppress adds the code inside existing brackets", result)

        # --- incremental changes, positions in UTF-16 ------------------
        change(s, uri, 6, [{"text": SCRIPT}])
        s.diagnostics(uri)
        change(s, uri, 7, [{"range": first_diag["range"], "text": "0"}])
        params = s.diagnostics(uri)
        check(params["diagnostics"] == [] and params["version"] == 7,
              "an incremental change replacing the call: no findings",
              params)
        # Two changes in one notification, each on the previous result:
        # insert a call after the emoji, then a line at the top.
        current = 'import multiprocessing\n\nprint("\u00e9\U0001F600", 0)\n'
        at = to_position(current, current.index("0)") + 1, "utf-16")
        check(at == {"line": 2, "character": 14}, "after `0` is 2:14", at)
        change(s, uri, 8, [
            {"range": {"start": at, "end": at},
             "text": ", multiprocessing.Pool(3)"},
            {"range": {"start": {"line": 0, "character": 0},
                       "end": {"line": 0, "character": 0}},
             "text": "x = 1\n"}])
        expected = ('x = 1\nimport multiprocessing\n\n'
                    'print("\u00e9\U0001F600", 0, multiprocessing.Pool(3))\n')
        params = s.diagnostics(uri)
        check(len(params["diagnostics"]) == 1 and
              params["diagnostics"][0]["range"] == range_of(
                  expected, "multiprocessing.Pool(3)", "utf-16"),
              "incremental changes apply in order (finding at 3:16)", params)
        # Positions past the end clamp: an append at line 99.
        change(s, uri, 9, [{"range": {
            "start": {"line": 99, "character": 5},
            "end": {"line": 99, "character": 7}}, "text": "y = 2\n"}])
        expected += "y = 2\n"
        check(len(s.diagnostics(uri)["diagnostics"]) == 1,
              "a change past the end appends")
        # didSave with text replaces the buffer.
        s.notify("textDocument/didSave", {"textDocument": {"uri": uri},
                                          "text": "import os\n"})
        check(s.diagnostics(uri)["diagnostics"] == [],
              "didSave with text re-checks that text")

        # --- a buffer that does not parse ------------------------------
        broken = "import multiprocessing\n\ndef f(:\n    pass\n"
        change(s, uri, 10, [{"text": broken}])
        params = s.diagnostics(uri)
        diags = params["diagnostics"]
        check(len(diags) == 1 and diags[0]["severity"] == 1
              and diags[0]["source"] == "mpguard"
              and diags[0]["range"]["start"]["line"] == 2
              and "syntax" in diags[0]["message"] + diags[0].get("code", ""),
              "a syntax error is one error diagnostic at its line", diags)
        check(code_actions(s, uri, diags[0]["range"], diags) == [],
              "no code actions for a buffer that does not parse")

        # --- related information ---------------------------------------
        rel_uri = file_uri(os.path.join(tmp, "related.py"))
        open_doc(s, rel_uri, RELATED)
        diags = s.diagnostics(rel_uri)["diagnostics"]
        check(len(diags) == 1, "one finding for the call chain", diags)
        related = diags[0].get("relatedInformation", [])
        check([r["message"] for r in related] ==
              ["which calls `inner`", "`mp.Pool` starts processes here"],
              "relatedInformation follows the call chain", related)
        check(all(r["location"]["uri"] == rel_uri for r in related)
              and related[0]["location"]["range"] == range_of(
                  RELATED, "inner()", "utf-16")
              and related[1]["location"]["range"] == range_of(
                  RELATED, "mp.Pool(2)", "utf-16"),
              "related locations point into the same document", related)

        # --- file URIs are percent-decoded ------------------------------
        # A package's __main__.py is not re-run in children: no finding.
        # The underscores are percent-encoded, so only a decoded path tells.
        pkg = os.path.join(tmp, "my pkg \u00e9")
        os.makedirs(pkg)
        main_uri = "file://" + urllib.parse.quote(pkg) + "/%5F%5Fmain%5F%5F.py"
        open_doc(s, main_uri, SCRIPT)
        check(s.diagnostics(main_uri)["diagnostics"] == [],
              "a percent-encoded __main__.py is recognized")
        # Inside a package (an __init__.py on disk next to the decoded
        # path) MPG001's fix is unsafe.
        open(os.path.join(pkg, "__init__.py"), "w").close()
        mod_uri = file_uri(os.path.join(pkg, "mod.py"))
        open_doc(s, mod_uri, SCRIPT)
        d = s.diagnostics(mod_uri)["diagnostics"][0]
        actions = code_actions(s, mod_uri, d["range"])
        check(actions[0]["title"].endswith("(unsafe)")
              and actions[0].get("isPreferred") is False,
              "in a package the fix is offered as unsafe, not preferred",
              actions)
        # A cursor inside the finding selects it; one elsewhere does not.
        inside = {"line": 2, "character": 20}
        check(len(code_actions(s, mod_uri, {"start": inside,
                                            "end": inside})) == 2,
              "a cursor inside the finding gets its actions")
        check(code_actions(s, mod_uri, {
            "start": {"line": 0, "character": 0},
            "end": {"line": 0, "character": 3}}) == [],
              "a range elsewhere gets none")
        check(code_actions(s, mod_uri, d["range"])[0]["title"] ==
              actions[0]["title"], "actions are stable")
        reply = s.request("textDocument/codeAction", {
            "textDocument": {"uri": mod_uri}, "range": d["range"],
            "context": {"diagnostics": [], "only": ["source.organizeImports"]}})
        check(reply["result"] == [], "context.only without quickfix: none",
              reply)

        # --- documents that are not Python, and didClose ----------------
        txt_uri = file_uri(os.path.join(tmp, "notes.txt"))
        open_doc(s, txt_uri, SCRIPT, language="plaintext")
        check(s.nothing_pending(), "no diagnostics for a plaintext document")
        pyw_uri = file_uri(os.path.join(tmp, "gui.pyw"))
        open_doc(s, pyw_uri, SCRIPT, language="")
        check(len(s.diagnostics(pyw_uri)["diagnostics"]) == 1,
              "a .pyw URI is Python whatever the languageId")
        s.notify("textDocument/didClose", {"textDocument": {"uri": rel_uri}})
        params = s.diagnostics(rel_uri)
        check(params["diagnostics"] == [], "didClose clears the diagnostics",
              params)
        check(code_actions(s, rel_uri, d["range"]) == [],
              "a closed document has no code actions")

        # --- robustness -------------------------------------------------
        s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": 5}})
        s.notify("textDocument/didChange", {"textDocument": {"uri": 7},
                                            "contentChanges": "x"})
        s.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 11},
            "contentChanges": [{"range": {"start": "x"}, "text": "1"}, 3]})
        check(len(s.diagnostics(uri)["diagnostics"]) == 1,
              "a change with a bad range is skipped, the rest applied")
        s.notify("$/cancelRequest", {"id": 1})
        s.notify("workspace/didChangeConfiguration", {"settings": {}})
        reply = s.request("textDocument/codeAction", [1, 2])
        check(reply.get("error", {}).get("code") == -32602,
              "codeAction with params of the wrong type: -32602", reply)
        reply = s.request("textDocument/hover", {})
        check(reply.get("error", {}).get("code") == -32601,
              "an unknown request: -32601", reply)
        s.send({"jsonrpc": "2.0", "id": 77, "method": "shutdown"},
               content_type=True)
        reply = s.response(77)
        check(reply.get("result", "absent") is None,
              "a Content-Type header is tolerated (shutdown answered)", reply)
        reply = s.request("textDocument/codeAction", {})
        check(reply.get("error", {}).get("code") == -32600,
              "a request after shutdown: -32600", reply)
        status = s.finish(shutdown=False)
        check(status == 0, "exit after shutdown: status 0", status)
    finally:
        s.kill()


def sarif_help_uri(mpguard, tmp):
    """The helpUri `mpguard check --format sarif` gives MPG001."""
    path = os.path.join(tmp, "sarif_probe.py")
    with open(path, "w") as f:
        f.write("import multiprocessing\nmultiprocessing.Pool()\n")
    out = subprocess.run([mpguard, "check", "--no-cache", "--format", "sarif",
                          path], cwd=tmp, stdout=subprocess.PIPE).stdout
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    return next(r["helpUri"] for r in rules if r["id"] == "MPG001")


def utf8_session(mpguard, tmp, capabilities, name):
    s = Server(mpguard, name)
    try:
        result = s.initialize(capabilities)["result"]
        check(result["capabilities"]["positionEncoding"] == "utf-8",
              f"{name}: utf-8 chosen when offered", result)
        uri = file_uri(os.path.join(tmp, name + ".py"))
        open_doc(s, uri, SCRIPT, version=3)
        d = s.diagnostics(uri)["diagnostics"][0]
        # 'é' is two bytes, the emoji four: the call starts at byte 16.
        check(d["range"] == {"start": {"line": 2, "character": 16},
                             "end": {"line": 2, "character": 39}},
              f"{name}: range in UTF-8 bytes (2:16-2:39)", d)
        actions = code_actions(s, uri, d["range"], [d])
        fix = actions[0]
        fixed = apply_edits(SCRIPT, edits_for(fix["edit"], uri), "utf-8")
        check(compiles(fixed), f"{name}: the fixed text compiles", fixed)
        return s, result, fix
    except BaseException:
        s.kill()
        raise


BOTH = ('import multiprocessing\n'
        'multiprocessing.set_start_method("spawn")\n'
        'multiprocessing.Pool(2)\n')


def config_session(mpguard, tmp):
    """The workspace's configuration, as `mpguard check` reads it: the
    nearest pyproject.toml with [tool.mpguard] above each document."""
    root = os.path.join(tmp, "workspace")
    for sub in ("tests", "gen", "pkg"):
        os.makedirs(os.path.join(root, sub))
    config = os.path.join(root, "pyproject.toml")
    with open(config, "w") as f:
        f.write('[tool.mpguard]\nignore = ["MPG002"]\nexclude = ["gen"]\n'
                'extend-select = ["MPG900"]\n'
                '[tool.mpguard.per-file-ignores]\n"tests/*" = ["MPG001"]\n')
    s = Server(mpguard, "config")
    try:
        s.initialize()
        codes = lambda p: sorted(d.get("code") for d in p["diagnostics"])
        app = file_uri(os.path.join(root, "pkg", "app.py"))
        open_doc(s, app, BOTH)
        check(codes(s.diagnostics(app)) == ["MPG001"],
              "config: ignore = [MPG002] from the workspace's pyproject.toml")
        test = file_uri(os.path.join(root, "tests", "test_app.py"))
        open_doc(s, test, BOTH)
        check(codes(s.diagnostics(test)) == [],
              "config: per-file-ignores for tests/*")
        gen = file_uri(os.path.join(root, "gen", "g.py"))
        open_doc(s, gen, BOTH)
        check(codes(s.diagnostics(gen)) == [], "config: an excluded file")
        # MPG900 (selected by the file): its fix, and no "suppress" action,
        # since a comment cannot silence a finding about itself.
        stale = file_uri(os.path.join(root, "pkg", "stale.py"))
        text = "x = 1  # noqa: MPG001\n"
        open_doc(s, stale, text)
        diags = s.diagnostics(stale)["diagnostics"]
        check([d.get("code") for d in diags] == ["MPG900"],
              "config: extend-select = [MPG900] from the file", diags)
        actions = code_actions(s, stale, diags[0]["range"], diags)
        check([a["title"] for a in actions] ==
              ["Fix MPG900: Remove the comment"],
              "config: MPG900 offers its fix and no suppression", actions)
        check(apply_edits(text, edits_for(actions[0]["edit"], stale),
                          "utf-16") == "x = 1\n",
              "config: the MPG900 fix removes the comment")
        # A broken configuration: said once, and the defaults meanwhile.
        with open(config, "w") as f:
            f.write('[tool.mpguard]\nselct = ["MPG001"]\n')
        change(s, app, 2, [{"text": BOTH}])
        shown = s.receive()
        check(shown.get("method") == "window/showMessage"
              and shown["params"]["type"] == 1
              and "pyproject.toml:2:1: error: 'selct'"
              in shown["params"]["message"],
              "config: a bad configuration is shown to the user", shown)
        check(codes(s.diagnostics(app)) == ["MPG001", "MPG002"],
              "config: checked with the defaults meanwhile")
        change(s, app, 3, [{"text": BOTH}])
        check(codes(s.diagnostics(app)) == ["MPG001", "MPG002"],
              "config: the same problem is not shown again")
        check(s.nothing_pending(), "config: nothing else was sent")
        check(s.finish() == 0, "config: status 0")
    finally:
        s.kill()


def main():
    if len(sys.argv) != 2:
        print("usage: lsp_client.py MPGUARD", file=sys.stderr)
        return 2
    mpguard = os.path.abspath(sys.argv[1])
    try:
        with tempfile.TemporaryDirectory(prefix="mpguard lsp ") as tmp:
            before_initialize(mpguard)
            utf16_session(mpguard, tmp)
            config_session(mpguard, tmp)
            # LSP 3.17 negotiation, with versioned document edits.
            s, result, fix = utf8_session(mpguard, tmp, {
                "general": {"positionEncodings": ["utf-8", "utf-16"]},
                "workspace": {"workspaceEdit": {"documentChanges": True}}},
                "general")
            check("offsetEncoding" not in result,
                  "general: no offsetEncoding in the reply", result)
            changes = fix["edit"].get("documentChanges", [])
            check(len(changes) == 1 and changes[0]["textDocument"]
                  .get("version") == 3,
                  "documentChanges carry the document version", fix)
            check(s.finish() == 0, "general: shutdown and exit: status 0")
            # clangd's extension, as neovim 0.7 sends it when configured.
            s, result, fix = utf8_session(mpguard, tmp, {
                "offsetEncoding": ["utf-8", "utf-16"]}, "offset")
            check(result.get("offsetEncoding") == "utf-8",
                  "offset: offsetEncoding utf-8 in the reply", result)
            check("changes" in fix["edit"], "offset: a `changes` edit", fix)
            check(s.finish(shutdown=False) == 1,
                  "exit without shutdown: status 1")
            # Offered only utf-16 (or nothing usable): utf-16.
            s = Server(mpguard, "utf-16 only")
            try:
                result = s.initialize({"general": {
                    "positionEncodings": ["utf-32", "utf-16"]},
                    "offsetEncoding": ["utf-16"]})["result"]
                check(result["capabilities"]["positionEncoding"] == "utf-16"
                      and result.get("offsetEncoding") == "utf-16",
                      "utf-16 when utf-8 is not offered", result)
                check(s.finish() == 0, "utf-16 only: status 0")
            finally:
                s.kill()
    except Failure as e:
        print(e, file=sys.stderr)
        return 1
    print("all LSP checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
