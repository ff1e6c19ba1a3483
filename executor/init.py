# The first process of a cloud_tool sandbox (PID 2; bubblewrap's reaper is PID 1). Started by
# executor/sandbox.ts as `python3 -I -S -B -c <this file> <proxy port> <forwarded ports>`, in
# private mount, PID, network, IPC, UTS and user namespaces with an empty environment.
#
# It listens on 127.0.0.1 inside the sandbox's own network namespace (the only network there is)
# and carries each connection over /run/aurora/egress.sock to the executor, which decides where it
# may go (executor/egress.ts): the forwarded ports are the simulated clouds, the proxy port is an
# HTTPS proxy to public addresses only. The service's ports live in another namespace. Then it
# reads the run from fd 0, writes the credential files into HOME (a tmpfs), runs the preparation
# steps (output discarded) and the command (its stdout and stderr are fds 1 and 2, read by the
# executor), kills whatever the command left behind, reports on fd 3 and exits; bubblewrap's PID 1
# follows and the kernel ends every process of the namespace. "TERM" on fd 0 sends SIGTERM to
# every process of the run.
#
# It starts once per command, so it imports only C modules (no json, no enum): the run arrives as
# netstrings (`<length>:<bytes>,`) and the report is one line of key=value words.
import _socket
import os
import select
import sys
import time

EGRESS = b"/run/aurora/egress.sock"
HOME = b"/home/aurora"
STATUS_FD = 3
CHUNK = 65536
SIGTERM, SIGKILL = 15, 9


def report(**fields):
    data = (" ".join("%s=%s" % kv for kv in fields.items()) + "\n").encode()
    while data:
        data = data[os.write(STATUS_FD, data):]


class Reader:
    """Netstrings from fd 0: `<length>:<bytes>,`."""

    def __init__(self):
        self.buf = b""

    def more(self):
        chunk = os.read(0, CHUNK)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def item(self):
        while b":" not in self.buf[:12]:
            self.more()
        head, _, _ = self.buf.partition(b":")
        n = int(head)
        start = len(head) + 1
        while len(self.buf) < start + n + 1:
            self.more()
        value = self.buf[start:start + n]
        if self.buf[start + n:start + n + 1] != b",":
            raise ValueError("bad netstring")
        self.buf = self.buf[start + n + 1:]
        return value

    def count(self):
        return int(self.item())

    def argv(self):
        return [self.item() for _ in range(self.count())]


def find(program, path):
    if b"/" in program:
        return None
    for d in path.split(b":"):
        f = d + b"/" + program
        if d.startswith(b"/") and os.path.isfile(f) and os.access(f, os.X_OK):
            return f
    return None


def write_file(rel, content):
    d = HOME
    for part in rel.split(b"/")[:-1]:
        d = d + b"/" + part
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            pass
    fd = os.open(HOME + b"/" + rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    while content:
        content = content[os.write(fd, content):]
    os.close(fd)


class Pipe:
    """One relayed connection: the CLI's socket and the executor's, each way buffered."""

    def __init__(self, a, b, header):
        self.a, self.b = a, b
        self.to_b, self.to_a = bytearray(header), bytearray()
        self.a_eof = self.b_eof = False
        self.a_shut = self.b_shut = False
        self.dead = False

    def close(self):
        self.dead = True
        for s in (self.a, self.b):
            try:
                s.close()
            except OSError:
                pass


class Network:
    def __init__(self, ports):
        self.listeners = {}
        self.pipes = []
        for port in ports:
            s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(64)
            s.setblocking(False)
            self.listeners[s.fileno()] = (s, port)
        self.socks = {}

    def fds(self):
        r = list(self.listeners)
        w = []
        for p in self.pipes:
            if not p.a_eof and len(p.to_b) < CHUNK * 4:
                r.append(p.a.fileno())
            if not p.b_eof and len(p.to_a) < CHUNK * 4:
                r.append(p.b.fileno())
            if p.to_b:
                w.append(p.b.fileno())
            if p.to_a:
                w.append(p.a.fileno())
        return r, w

    def accept(self, s, port):
        try:
            fd, _ = s._accept()
        except OSError:
            return
        conn = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM, 0, fd)
        conn.setblocking(False)
        up = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            up.connect(EGRESS)
        except OSError:
            conn.close()
            up.close()
            return
        up.setblocking(False)
        self.pipes.append(Pipe(conn, up, b"%d\n" % port))

    def handle(self, readable, writable):
        for fd in readable:
            if fd in self.listeners:
                self.accept(*self.listeners[fd])
        for p in self.pipes:
            if p.dead:
                continue
            try:
                if not p.a_eof and p.a.fileno() in readable:
                    data = p.a.recv(CHUNK)
                    p.to_b.extend(data)
                    p.a_eof = not data
                if not p.b_eof and p.b.fileno() in readable:
                    data = p.b.recv(CHUNK)
                    p.to_a.extend(data)
                    p.b_eof = not data
                if p.to_b and p.b.fileno() in writable:
                    del p.to_b[:p.b.send(p.to_b)]
                if p.to_a and p.a.fileno() in writable:
                    del p.to_a[:p.a.send(p.to_a)]
                if p.a_eof and not p.to_b and not p.b_shut:
                    p.b.shutdown(_socket.SHUT_WR)
                    p.b_shut = True
                if p.b_eof and not p.to_a and not p.a_shut:
                    p.a.shutdown(_socket.SHUT_WR)
                    p.a_shut = True
                if p.a_shut and p.b_shut:
                    p.close()
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                p.close()
        self.pipes = [p for p in self.pipes if not p.dead]


def others():
    me = os.getpid()
    return [int(e) for e in os.listdir("/proc") if e.isdigit() and int(e) not in (1, me)]


def end_run():
    """Whatever the run left (a daemon in a session of its own included) is killed now."""
    left = others()
    if left:
        try:
            os.kill(-1, SIGKILL)
        except ProcessLookupError:
            pass
    return len(left)


def main():
    proxy_port = int(sys.argv[1])
    forwards = [int(p) for p in sys.argv[2].split(",") if p] if len(sys.argv) > 2 else []
    os.set_inheritable(STATUS_FD, False)
    net = Network([proxy_port] + forwards)
    report(ready=1)

    rd = Reader()
    try:
        argv = rd.argv()
        env = {}
        for _ in range(rd.count()):
            k = rd.item()
            env[k] = rd.item()
        files = [(rd.item(), rd.item()) for _ in range(rd.count())]
        prepare = [(rd.item(), rd.argv()) for _ in range(rd.count())]
    except EOFError:
        return
    path = env.get(b"PATH", b"")
    os.umask(0o077)
    try:
        os.mkdir(HOME + b"/tmp", 0o700)
    except FileExistsError:
        pass
    for rel, content in files:
        write_file(rel, content)

    devnull = os.open("/dev/null", os.O_RDWR)
    terminated = [False]

    def run(args, out, err):
        exe = find(args[0], path)
        if exe is None:
            return None
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
        started = time.monotonic()
        pid = os.posix_spawn(exe, args, env, file_actions=actions)
        pidfd = os.pidfd_open(pid)
        while True:
            r, w = net.fds()
            r.append(pidfd)
            if not terminated[0]:
                r.append(0)
            try:
                readable, writable, _ = select.select(r, w, [])
            except InterruptedError:
                continue
            if 0 in readable:
                msg = os.read(0, 64)
                if msg.startswith(b"TERM") or not msg:
                    terminated[0] = True
                    try:
                        os.kill(-1, SIGTERM)
                    except ProcessLookupError:
                        pass
            net.handle([fd for fd in readable if fd not in (pidfd, 0)], writable)
            if pidfd in readable:
                _, status = os.waitpid(pid, 0)
                os.close(pidfd)
                ms = int((time.monotonic() - started) * 1000)
                if os.WIFSIGNALED(status):
                    return {"exit": "-", "signal": os.WTERMSIG(status), "duration": ms}
                return {"exit": os.WEXITSTATUS(status), "signal": "-", "duration": ms}

    for step, (_, args) in enumerate(prepare):
        r = run(args, devnull, devnull)
        if r is None:
            report(status="not_installed", program=args[0].decode(errors="replace"))
            return
        if r["exit"] != 0:
            end_run()
            report(status="prepare_failed", exit=r["exit"], step=step)
            return
    r = run(argv, 1, 2)
    if r is None:
        report(status="not_installed", program=argv[0].decode(errors="replace"))
        return
    report(status="completed", exit=r["exit"], signal=r["signal"], duration=r["duration"], survivors=end_run())


main()
