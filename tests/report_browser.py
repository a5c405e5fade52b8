"""Open an HTML file in headless Chromium and report what a reader would see (a helper for tests, not a test).

Talks the DevTools protocol over `--remote-debugging-pipe` (messages are JSON, separated by NUL bytes; commands on the
browser's fd 3, answers and events on its fd 4), so it needs only the standard library: no websocket package, no
port to discover. Install the browser with scripts/install-chromium.sh (Debian package `chromium`).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# After the load event, the page counts as rendered once its body has text, every image has finished loading, and
# the text is the same as at the previous look (the React app and its plots render after the load event).
STATE = ("({text: document.body.innerText, ready: document.body.innerText.trim().length > 0"
         " && Array.from(document.images).every(i => i.complete)})")
IMAGES = "Array.from(document.images).map(i => ({src: i.src.slice(0, 40), width: i.naturalWidth}))"

# argv: commands-fd answers-fd browser args...; fresh copies first, so that neither dup2 clobbers the other pipe
# (a copy may land on 3 or 4 itself, where dup2 does nothing: hence set_inheritable).
WIRE_PIPES_AND_EXEC = ("import os, sys; commands, answers = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2])); "
                       "os.dup2(commands, 3); os.dup2(answers, 4); os.set_inheritable(3, True); "
                       "os.set_inheritable(4, True); os.execv(sys.argv[3], sys.argv[3:])")


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class BrowserResult:
    errors: list[str]  # console errors, uncaught exceptions, browser log entries of level error
    text: str  # document.body.innerText once rendered
    images: list[dict]  # every <img>: first 40 characters of src, naturalWidth (0 = not rendered)
    screenshot: Path
    seconds: float  # from launching the browser to the screenshot
    console: list[str] = field(default_factory=list)  # every console message, "type: text"

    @property
    def rendered_images(self) -> list[dict]:
        return [image for image in self.images if image["width"] > 0]


class _DevTools:
    """One CDP connection over the two pipes; events are kept in order of arrival."""

    def __init__(self, send_fd: int, recv_fd: int, deadline: float):
        self.send_fd, self.recv_fd, self.deadline = send_fd, recv_fd, deadline
        self.buffer, self.events, self.next_id = b"", [], 0

    def _read_message(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.recv_fd], [], [], left)[0]:
                raise TimeoutError("no answer from the browser in time")
            chunk = os.read(self.recv_fd, 1 << 16)
            if not chunk:
                raise ConnectionError("the browser closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params}
        if session:
            request["sessionId"] = session
        data = json.dumps(request).encode() + b"\0"
        while data:
            data = data[os.write(self.send_fd, data):]
        while True:
            message = self._read_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for_event(self, method: str, since: int = 0) -> dict:
        """The first event `method` among the events from index `since` on, reading more until it comes."""
        while True:
            for event in self.events[since:]:
                if event["method"] == method:
                    return event
            since = len(self.events)
            self.events.append(self._read_message())

    def evaluate(self, session: str, expression: str):
        result = self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")


def _console_text(params: dict) -> str:
    return " ".join(str(arg.get("value", arg.get("description", arg.get("type")))) for arg in params.get("args", []))


def _messages(events: list[dict]) -> tuple[list[str], list[str]]:
    """(errors, all console messages) from the events seen."""
    errors, console = [], []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            console.append(f"{params['type']}: {_console_text(params)[:300]}")
            if params["type"] in ("error", "assert"):
                errors.append(f"console.{params['type']}: {_console_text(params)[:1000]}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
    return errors, console


def open_in_browser(html: Path, screenshot: Path, *, script: str | None = None, timeout: float = 90.0,
                    window: tuple[int, int] = (1600, 1000), offline: bool = True) -> BrowserResult:
    """Open `html` (file:// URL) in headless Chromium, wait until it has rendered, optionally run `script` (e.g.
    "app.showCategory('Scores')") and wait again, then take a PNG screenshot and return what was seen.

    offline: send all network traffic to a dead proxy, so anything the page fetches from the internet fails and
    shows up in `errors` ("Failed to load resource: net::ERR_PROXY_CONNECTION_FAILED")."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium is not installed (scripts/install-chromium.sh)")
    start = time.monotonic()
    deadline = start + timeout
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, tempfile.TemporaryFile() as log:
        cmd = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
               f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}", "--hide-scrollbars",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
               *(["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"] if offline else []),
               "about:blank"]
        # The browser reads commands on fd 3 and writes on fd 4: a small Python process puts the pipes there, then
        # becomes the browser (subprocess has no fd mapping, and preexec_fn is unsafe with threads). A session of its
        # own, so that its renderer and helper processes can be killed with it.
        launcher = [sys.executable, "-c", WIRE_PIPES_AND_EXEC, str(to_browser_r), str(from_browser_w)]
        proc = subprocess.Popen(launcher + cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                pass_fds=(to_browser_r, from_browser_w), start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        closed = False
        try:
            cdp = _DevTools(to_browser_w, from_browser_r, deadline + 15)  # room to take a last look after a timeout
            page = next(t for t in cdp.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
            session = cdp.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                cdp.call(f"{domain}.enable", session)
            cdp.call("Emulation.setDeviceMetricsOverride", session, width=window[0], height=window[1],
                     deviceScaleFactor=1, mobile=False)
            navigated = len(cdp.events)
            cdp.call("Page.navigate", session, url=html.resolve().as_uri())
            cdp.wait_for_event("Page.loadEventFired", since=navigated)
            for step in ([script] if script else []) + [None]:
                text = _settled_text(cdp, session, deadline)
                if text is None:
                    raise TimeoutError(f"{html} did not render within {timeout} s; errors: {_messages(cdp.events)[0]}")
                if step:
                    cdp.evaluate(session, step)
            images = cdp.evaluate(session, IMAGES)
            png = base64.b64decode(cdp.call("Page.captureScreenshot", session, format="png")["data"])
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(png)
            seconds = time.monotonic() - start
            errors, console = _messages(cdp.events)
            try:
                cdp.call("Browser.close")
                closed = True
            except (ConnectionError, TimeoutError):  # it may go before it answers; _stop makes sure it is gone
                pass
        except (TimeoutError, ConnectionError) as exc:
            log.seek(0)
            raise RuntimeError(f"{exc}\nchromium's stderr (tail): {log.read().decode(errors='replace')[-2000:]}") \
                from exc
        finally:
            _stop(proc, wait=5 if closed else 0)
            os.close(to_browser_w)
            os.close(from_browser_r)
    return BrowserResult(errors=errors, text=text, images=images, screenshot=screenshot, seconds=seconds,
                         console=console)


def _settled_text(cdp: _DevTools, session: str, deadline: float, every: float = 0.25) -> str | None:
    """The body's text once the page is ready and its text has stopped changing; None at the deadline."""
    last = None
    while time.monotonic() < deadline:
        state = cdp.evaluate(session, STATE)
        if state["ready"] and state["text"] == last:
            return last
        last = state["text"] if state["ready"] else None
        time.sleep(every)
    return None


def _stop(proc: subprocess.Popen, wait: float) -> None:
    """Give the browser `wait` seconds to exit by itself, then kill its whole process group."""
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
