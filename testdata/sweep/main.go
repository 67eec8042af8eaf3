// sweep runs raw-syscall cases and writes down what each returned, so that tests/sweep/sweep.py can
// compare a native run with an emulated one case by case (docs/security.md, "The kernel as the
// oracle"). It is a plain Go program with no file, timer or poller of its own: everything goes
// through raw syscalls, so that the only descriptors, mappings and signal state a case can meet are
// the fixtures set up here, the same in both runs.
//
//	sweep CASES RESULTS START WORKDIR
//
// CASES has one case a line (tests/sweep/cases.py writes them):
//
//	ID NR A0 A1 A2 A3 A4 A5 FLAGS [m=OFFSET:HEX ...]
//
// An argument is a number (0x...), or @pid, @tid, @brk+N / @brk-N (the first break plus or minus N).
// m= puts bytes in the scratch pages (strings, structures) before the call. FLAGS (or "-") say what
// to set up before the case and put back after it. Each result is a line "ID 0xRAX" in RESULTS,
// written before the next case starts, so a run that dies names the case that killed it; START is
// the first case to run (the harness restarts after such a case).
//
// Natively the harness runs this as an unprivileged user in a throwaway directory; it refuses to run
// natively with any privilege (GOSTART_SWEEP_NATIVE=1 marks the native run).
package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

func rawPair(nr, a0, a1, a2, a3, a4, a5, pnr, p0, p1, p2, p3, p4, p5 uintptr) uintptr

const none = ^uintptr(0)

func raw(nr uintptr, a ...uintptr) uintptr {
	var v [6]uintptr
	copy(v[:], a)
	return rawPair(nr, v[0], v[1], v[2], v[3], v[4], v[5], none, 0, 0, 0, 0, 0, 0)
}

// The fixed places both runs share (cases.py has the same numbers).
const (
	page        = 4096
	scratch     = 0x5ff000000000 // 16 pages read-write: strings, structures, buffers
	scratchSize = 16 * page
	roPage      = scratch + 16*page // read-only, a pattern
	nonePage    = scratch + 17*page // PROT_NONE; the page after it is never mapped
	savePage    = 0x5fe000000000    // what a case's restoring call needs; no case points here
	arena       = 0x600000000000    // 16 MiB the memory cases work on, laid out again before each
	arenaSize   = 16 << 20
	resultFd    = 900
)

// The descriptors every case may name (cases.py: FD_*).
const (
	fdFile    = 10 // WORKDIR/f, read-write
	fdDir     = 11 // WORKDIR/d
	fdPipeR   = 12 // a pipe, non-blocking both ends
	fdPipeW   = 13
	fdNull    = 14 // /dev/null, read-write
	fdClosed  = 15 // never open
	fdEpoll   = 16
	fdEventfd = 17 // non-blocking
	fdFixed   = 18 // WORKDIR/../fixed/file, read-only
)

var (
	workdir string
	brk0    uintptr
	pid     uintptr
	// The runtime's own descriptors (its poller's epoll and pipe): never closed by a reset.
	runtimeFds = map[uintptr]bool{}
)

func die(what string, r uintptr) {
	msg := "sweep: " + what + ": " + strconv.FormatInt(int64(r), 10) + "\n"
	raw(syscall.SYS_WRITE, 2, bytes(msg), uintptr(len(msg)))
	raw(syscall.SYS_EXIT_GROUP, 4)
}

// pins keeps alive what a raw call reads through a uintptr until the case is over: a uintptr alone
// does not keep its object from being collected.
var pins [][]byte

func bytes(s string) uintptr {
	b := []byte(s + "\x00")
	pins = append(pins, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

func cstr(s string) uintptr { return bytes(s) }

func failed(r uintptr) bool { return r > ^uintptr(4095) }

func mem(addr, n uintptr) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(addr)), n) }

// ------------------------------------------------------------------------------------ fixtures

func mapFixed(addr, n, prot, flags, fd uintptr) {
	if r := raw(syscall.SYS_MMAP, addr, n, prot, flags|0x100000 /*MAP_FIXED_NOREPLACE*/, fd, 0); r != addr {
		die("cannot map a fixture", r)
	}
}

func setupScratch() {
	rw := uintptr(syscall.PROT_READ | syscall.PROT_WRITE)
	anon := uintptr(syscall.MAP_PRIVATE | syscall.MAP_ANONYMOUS)
	mapFixed(scratch, scratchSize+page, rw, anon, none)
	p := mem(roPage, page)
	for i := range p {
		p[i] = byte(i*7 + 1)
	}
	raw(syscall.SYS_MPROTECT, roPage, page, syscall.PROT_READ)
	mapFixed(nonePage, page, syscall.PROT_NONE, anon, none)
	mapFixed(savePage, page, rw, anon, none)
}

// The arena's layout, in pages: what the memory cases find (cases.py: ARENA_*).
func resetArena() {
	raw(syscall.SYS_MUNMAP, arena, arenaSize)
	anon := uintptr(syscall.MAP_PRIVATE | syscall.MAP_ANONYMOUS)
	at := func(pg, n, prot, flags, fd uintptr) {
		if r := raw(syscall.SYS_MMAP, arena+pg*page, n*page, prot, flags|syscall.MAP_FIXED, fd, 0); r != arena+pg*page {
			die("cannot lay out the arena", r)
		}
	}
	at(0, 4, syscall.PROT_READ|syscall.PROT_WRITE, anon, none)
	at(4, 4, syscall.PROT_READ, anon, none)
	at(8, 4, syscall.PROT_NONE, anon, none)
	// pages 12-15: a hole
	at(16, 4, syscall.PROT_READ|syscall.PROT_WRITE, anon, none)
	at(20, 4, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC, anon, none)
	at(24, 2, syscall.PROT_READ, syscall.MAP_PRIVATE, fdFile)
	at(26, 2, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_ANONYMOUS, none)
	at(32, 4, syscall.PROT_READ|syscall.PROT_WRITE, anon|syscall.MAP_GROWSDOWN, none)
	// the rest: free
}

func removeTree(dirfd uintptr, depth int) {
	if depth > 8 {
		return
	}
	buf := make([]byte, 8192)
	for {
		n := raw(syscall.SYS_GETDENTS64, dirfd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if failed(n) || n == 0 {
			return
		}
		for off := uintptr(0); off < n; {
			reclen := uintptr(*(*uint16)(unsafe.Pointer(&buf[off+16])))
			typ := buf[off+18]
			name := buf[off+19 : off+reclen]
			if i := indexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			off += reclen
			s := string(name)
			if s == "." || s == ".." {
				continue
			}
			p := cstr(s)
			if typ == syscall.DT_DIR {
				raw(syscall.SYS_FCHMODAT, dirfd, p, 0755) // a case may have taken the permissions away
				sub := raw(syscall.SYS_OPENAT, dirfd, p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
				if !failed(sub) {
					removeTree(sub, depth+1)
					raw(syscall.SYS_CLOSE, sub)
				}
				raw(syscall.SYS_UNLINKAT, dirfd, p, 0x200 /*AT_REMOVEDIR*/)
			} else {
				raw(syscall.SYS_UNLINKAT, dirfd, p, 0)
			}
		}
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func writeFile(dirfd uintptr, name string, content []byte) {
	fd := raw(syscall.SYS_OPENAT, dirfd, cstr(name), syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0644)
	if failed(fd) {
		die("cannot create "+name, fd)
	}
	raw(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&content[0])), uintptr(len(content)))
	raw(syscall.SYS_CLOSE, fd)
}

// WORKDIR holds f (8 KiB), d/ with d/g, and the empty e/ (cases.py: PATHS).
func resetTree() {
	// By its absolute path: a case may have taken the search permission off the directory itself.
	raw(syscall.SYS_FCHMODAT, ^uintptr(99) /*AT_FDCWD*/, cstr(workdir), 0755)
	raw(syscall.SYS_CHDIR, cstr(workdir))
	dir := raw(syscall.SYS_OPENAT, ^uintptr(99), cstr("."), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if failed(dir) {
		die("cannot open the work directory", dir)
	}
	removeTree(dir, 0)
	content := make([]byte, 8192)
	for i := range content {
		content[i] = byte('a' + i%26)
	}
	writeFile(dir, "f", content)
	raw(syscall.SYS_MKDIRAT, dir, cstr("d"), 0755)
	raw(syscall.SYS_MKDIRAT, dir, cstr("e"), 0755)
	writeFile(dir, "d/g", []byte("g\n"))
	raw(syscall.SYS_CLOSE, dir)
	// ../fixed is read-only; natively its owner could have changed that (the emulator refuses chmod).
	raw(syscall.SYS_FCHMODAT, ^uintptr(99), cstr("../fixed/file"), 0444)
	raw(syscall.SYS_FCHMODAT, ^uintptr(99), cstr("../fixed"), 0555)
}

func place(fd, at uintptr) {
	if failed(fd) {
		die("cannot open fixture "+strconv.Itoa(int(at)), fd)
	}
	if fd != at {
		if r := raw(syscall.SYS_DUP3, fd, at, syscall.O_CLOEXEC); failed(r) {
			die("cannot place fixture", r)
		}
		raw(syscall.SYS_CLOSE, fd)
	}
}

func resetFds() {
	// The fixtures, and any descriptor a case left behind (but not the runtime's).
	for fd := uintptr(3); fd < 64; fd++ {
		if !runtimeFds[fd] {
			raw(syscall.SYS_CLOSE, fd)
		}
	}
	for _, fd := range []int64{1000, 1023, 1024, 0x7fffffff, -1, -5} { // numbers cases name (cases.py fd())
		raw(syscall.SYS_CLOSE, uintptr(fd))
	}
	at := ^uintptr(99) // AT_FDCWD
	place(raw(syscall.SYS_OPENAT, at, cstr("f"), syscall.O_RDWR|syscall.O_CLOEXEC, 0), fdFile)
	place(raw(syscall.SYS_OPENAT, at, cstr("d"), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0), fdDir)
	var p [2]int32
	if r := raw(syscall.SYS_PIPE2, uintptr(unsafe.Pointer(&p[0])), syscall.O_NONBLOCK|syscall.O_CLOEXEC); failed(r) {
		die("cannot make the pipe", r)
	}
	// Two steps, so that neither end lands on the other's place.
	place(raw(syscall.SYS_FCNTL, uintptr(p[0]), syscall.F_DUPFD_CLOEXEC, 100), fdPipeR)
	place(raw(syscall.SYS_FCNTL, uintptr(p[1]), syscall.F_DUPFD_CLOEXEC, 100), fdPipeW)
	for _, fd := range p {
		if fd != fdPipeR && fd != fdPipeW {
			raw(syscall.SYS_CLOSE, uintptr(fd))
		}
	}
	place(raw(syscall.SYS_OPENAT, at, cstr("/dev/null"), syscall.O_RDWR|syscall.O_CLOEXEC, 0), fdNull)
	place(raw(syscall.SYS_EPOLL_CREATE1, syscall.EPOLL_CLOEXEC), fdEpoll)
	place(raw(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC), fdEventfd)
	place(raw(syscall.SYS_OPENAT, at, cstr("../fixed/file"), syscall.O_RDONLY|syscall.O_CLOEXEC, 0), fdFixed)
}

// ---------------------------------------------------------------------------------------- cases

type caseLine struct {
	id    string
	nr    uintptr
	a     [6]uintptr
	flags map[string]bool
	mem   map[uintptr][]byte
}

func arg(s string) uintptr {
	switch {
	case s == "@pid", s == "@tid":
		return raw(syscall.SYS_GETTID) // the sweep runs on the main thread: tid == pid
	case strings.HasPrefix(s, "@brk+"):
		v, _ := strconv.ParseUint(s[5:], 0, 64)
		return brk0 + uintptr(v)
	case strings.HasPrefix(s, "@brk-"):
		v, _ := strconv.ParseUint(s[5:], 0, 64)
		return brk0 - uintptr(v)
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		die("bad argument "+s, 0)
	}
	return uintptr(v)
}

func parse(line string) caseLine {
	f := strings.Fields(line)
	if len(f) < 9 {
		die("short case line", uintptr(len(f)))
	}
	c := caseLine{id: f[0], nr: arg(f[1]), flags: map[string]bool{}, mem: map[uintptr][]byte{}}
	for i := 0; i < 6; i++ {
		c.a[i] = arg(f[2+i])
	}
	for _, fl := range strings.Split(f[8], ",") {
		c.flags[fl] = true
	}
	for _, m := range f[9:] {
		if !strings.HasPrefix(m, "m=") {
			continue
		}
		colon := strings.IndexByte(m, ':')
		off, _ := strconv.ParseUint(m[2:colon], 0, 64)
		hex := m[colon+1:]
		b := make([]byte, len(hex)/2)
		for i := range b {
			v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
			b[i] = byte(v)
		}
		c.mem[uintptr(off)] = b
	}
	return c
}

func run(c caseLine) uintptr {
	if c.flags["arena"] {
		resetArena()
	}
	s := mem(scratch, scratchSize)
	for i := range s {
		s[i] = 0
	}
	for off, b := range c.mem {
		copy(s[off:], b)
	}
	// The call that puts back what this one changes, prepared from the state before it.
	pnr, p := none, [6]uintptr{}
	switch {
	case c.flags["sigaction"]:
		raw(syscall.SYS_RT_SIGACTION, c.a[0], 0, savePage, 8)
		pnr, p = syscall.SYS_RT_SIGACTION, [6]uintptr{c.a[0], savePage, 0, 8}
	case c.flags["sigmask"]:
		raw(syscall.SYS_RT_SIGPROCMASK, 0, 0, savePage, 8)
		pnr, p = syscall.SYS_RT_SIGPROCMASK, [6]uintptr{2 /*SIG_SETMASK*/, savePage, 0, 8}
	case c.flags["altstack"]:
		raw(syscall.SYS_SIGALTSTACK, 0, savePage)
		pnr, p = syscall.SYS_SIGALTSTACK, [6]uintptr{savePage, 0}
	case c.flags["fs"], c.flags["gs"]:
		get, set := uintptr(0x1003), uintptr(0x1002) // ARCH_GET_FS, ARCH_SET_FS
		if c.flags["gs"] {
			get, set = 0x1004, 0x1001
		}
		raw(syscall.SYS_ARCH_PRCTL, get, savePage)
		pnr, p = syscall.SYS_ARCH_PRCTL, [6]uintptr{set, *(*uintptr)(unsafe.Pointer(uintptr(savePage)))}
	case c.flags["cpuid"]:
		pnr, p = syscall.SYS_ARCH_PRCTL, [6]uintptr{0x1012, 1} // ARCH_SET_CPUID: faulting off
	case c.flags["munlockall"]:
		pnr = syscall.SYS_MUNLOCKALL
	case c.flags["dumpable"]:
		pnr, p = syscall.SYS_PRCTL, [6]uintptr{syscall.PR_SET_DUMPABLE, 1}
	case c.flags["name"]:
		raw(syscall.SYS_PRCTL, syscall.PR_GET_NAME, savePage)
		pnr, p = syscall.SYS_PRCTL, [6]uintptr{syscall.PR_SET_NAME, savePage}
	case c.flags["rlimit"]:
		res := c.a[0]
		if c.nr == syscall.SYS_PRLIMIT64 {
			res = c.a[1]
		}
		raw(syscall.SYS_PRLIMIT64, 0, res, 0, savePage)
		pnr, p = syscall.SYS_PRLIMIT64, [6]uintptr{0, res, savePage, 0}
	case c.flags["umask"]:
		old := raw(syscall.SYS_UMASK, 0o22)
		raw(syscall.SYS_UMASK, old)
		pnr, p = syscall.SYS_UMASK, [6]uintptr{old}
	case c.flags["tidaddr"]:
		pnr, p = syscall.SYS_SET_TID_ADDRESS, [6]uintptr{0}
	case c.flags["robust"]:
		pnr, p = syscall.SYS_SET_ROBUST_LIST, [6]uintptr{0, 24}
	}
	r := rawPair(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5], pnr, p[0], p[1], p[2], p[3], p[4], p[5])

	// What the case made that outlives it.
	ok := !failed(r)
	if ok && c.flags["closefd"] && (r < fdFile || r > fdFixed) && r != resultFd {
		raw(syscall.SYS_CLOSE, r)
	}
	if ok && c.flags["closepair"] && c.a[0] >= scratch && c.a[0] <= scratch+scratchSize-8 {
		for _, fd := range *(*[2]int32)(unsafe.Pointer(c.a[0])) {
			if fd >= 0 && (fd < fdFile || fd > fdFixed) && fd != resultFd {
				raw(syscall.SYS_CLOSE, uintptr(fd))
			}
		}
	}
	if ok && c.flags["unmap"] {
		n := c.a[1]
		if c.nr == syscall.SYS_MREMAP {
			n = c.a[2]
		}
		raw(syscall.SYS_MUNMAP, r, (n+page-1)&^(page-1))
	}
	if c.flags["brk"] {
		raw(syscall.SYS_BRK, brk0)
	}
	if c.flags["cwd"] {
		raw(syscall.SYS_CHDIR, cstr(workdir))
	}
	if c.flags["tree"] {
		resetTree()
		resetFds()
	} else if c.flags["fds"] {
		resetFds()
	}
	return r
}

func readAll(path string) string {
	fd := raw(syscall.SYS_OPENAT, ^uintptr(99), cstr(path), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if failed(fd) {
		die("cannot open "+path, fd)
	}
	var out []byte
	buf := make([]byte, 1<<16)
	for {
		n := raw(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if failed(n) || n == 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	raw(syscall.SYS_CLOSE, fd)
	return string(out)
}

func emit(s string) {
	raw(syscall.SYS_WRITE, resultFd, bytes(s), uintptr(len(s)))
}

// refusePrivilege: natively the cases run only without root and without capabilities.
func refusePrivilege() {
	if raw(syscall.SYS_GETEUID) == 0 {
		die("refusing to run natively as root", 0)
	}
	for _, line := range strings.Split(readAll("/proc/self/status"), "\n") {
		if strings.HasPrefix(line, "CapEff:") && strings.Trim(line[7:], " \t0") != "" {
			die("refusing to run natively with capabilities", 0)
		}
	}
}

func main() {
	runtime.LockOSThread()
	args := os.Args
	if len(args) != 5 {
		die("usage: sweep CASES RESULTS START WORKDIR", uintptr(len(args)))
	}
	start, _ := strconv.Atoi(args[3])
	workdir = args[4]
	if v, _ := syscall.Getenv("GOSTART_SWEEP_NATIVE"); v == "1" {
		refusePrivilege()
	}
	// The emulator's guest starts with umask 022 (docs/syscalls.md); so does the native run, whatever
	// the host's shell had, so that the modes of created files and umask's answers compare.
	raw(syscall.SYS_UMASK, 0o22)
	// Every signal blocked on this thread: a case may change a handler or the mask for an instant.
	all := ^uint64(0)
	raw(syscall.SYS_RT_SIGPROCMASK, 2 /*SIG_SETMASK*/, uintptr(unsafe.Pointer(&all)), 0, 8)

	cases := strings.Split(readAll(args[1]), "\n")
	out := raw(syscall.SYS_OPENAT, ^uintptr(99), cstr(args[2]), syscall.O_WRONLY|syscall.O_CREAT|syscall.O_APPEND|syscall.O_CLOEXEC, 0644)
	place(out, resultFd)

	// The runtime starts its poller with its first timer (the scavenger has one): start it now, so
	// that its descriptors are known and are the same in both runs.
	time.Sleep(time.Nanosecond)
	for fd := uintptr(3); fd < 64; fd++ {
		if !failed(raw(syscall.SYS_FCNTL, fd, syscall.F_GETFD)) {
			runtimeFds[fd] = true
		}
	}
	setupScratch()
	resetTree()
	resetFds()
	brk0 = raw(syscall.SYS_BRK, 0)
	pid = raw(syscall.SYS_GETPID)
	emit("brk0 " + strconv.FormatUint(uint64(brk0), 16) + "\n")

	for i, line := range cases {
		if i < start || strings.TrimSpace(line) == "" {
			continue
		}
		c := parse(line)
		r := run(c)
		emit(c.id + " " + strconv.FormatUint(uint64(r), 16) + "\n")
		pins = pins[:0]
	}
	emit("done\n")
}
