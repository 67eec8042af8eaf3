// userproc does, with raw syscalls and hand-written instructions, what a user process may try and what
// Linux answers. Not part of the plain native comparison: several cases kill the process on purpose.
// The tests (tests/hostile/user_process_test.py) run each case under gostart-emu and, where Linux's
// answer is the expectation, natively too.
//
//	userproc priv NAME [handled]   a privileged instruction (insns_amd64.s), with the signals that it
//	                               raises at their default action (or Go's handler, with "handled")
//	userproc int80                 i386 syscalls through int 0x80, then exit_group(7) the same way
//	userproc int80-enosys          an i386 call whose arguments differ from the 64-bit ABI's
//	userproc jump0 [handled]       a call through a nil function pointer
//	userproc sigreturn0            rt_sigreturn to a saved rip of 0
//	userproc create DIR            files and directories created with set-user-ID, set-group-ID and
//	                               sticky bits, under the default umask and then umask 077
//	userproc fds                   descriptors at and past RLIMIT_NOFILE (1024 here, set first)
//	userproc eventfds N            N eventfds, as fast as the emulator can allocate descriptors
//	userproc exhaust               opens /dev/null until it cannot, and keeps them open
//	userproc stdout-seek           writes its stdout, seeks it, pwrites at 0 and at 1 TiB, writes again
//	userproc readfault             reads a file and a pipe into a buffer it cannot write, then for real
//	userproc longpath              paths of PATH_MAX - 1 and PATH_MAX bytes
//	userproc rename DIR            renameat2 with RENAME_NOREPLACE, RENAME_EXCHANGE and bad flags
//	userproc sleep-max             nanosleep of INT64_MAX seconds
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

func movToDR7()
func movFromDR7()
func movToCR0()
func movFromCR3()
func inPort()
func outPort()
func hlt()
func cli()
func sti()
func rdmsr()
func wrmsr()
func lgdt()
func lidt()
func lldt()
func ltr()
func invlpg()
func wbinvd()
func clts()
func swapgs()
func int0x0d()
func int3()
func int80(nr, b, c, d uint32) int64
func callZero()
func sigreturnToZero()

var privileged = map[string]func(){
	"mov-to-dr7": movToDR7, "mov-from-dr7": movFromDR7, "mov-to-cr0": movToCR0, "mov-from-cr3": movFromCR3,
	"in": inPort, "out": outPort, "hlt": hlt, "cli": cli, "sti": sti, "rdmsr": rdmsr, "wrmsr": wrmsr,
	"lgdt": lgdt, "lidt": lidt, "lldt": lldt, "ltr": ltr, "invlpg": invlpg, "wbinvd": wbinvd, "clts": clts,
	"swapgs": swapgs, "int-0x0d": int0x0d, "int3": int3,
}

// defaultActions puts the signals a fault raises back to SIG_DFL, so that the kernel (or the emulator)
// ends the process with the signal instead of Go's runtime turning it into a panic.
func defaultActions() {
	var act [4]uint64 // handler SIG_DFL, flags, restorer, mask
	for _, sig := range []syscall.Signal{syscall.SIGSEGV, syscall.SIGILL, syscall.SIGBUS, syscall.SIGTRAP, syscall.SIGFPE} {
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	}
}

// In the data segment, below 4 GiB: i386 calls take 32-bit pointers.
var message = [...]byte{'i', 'n', 't', ' ', '0', 'x', '8', '0', '\n'}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: userproc CASE [ARGS]")
		os.Exit(2)
	}
	handled := len(os.Args) > 3 && os.Args[3] == "handled" || len(os.Args) > 2 && os.Args[2] == "handled"
	switch os.Args[1] {
	case "priv":
		f, ok := privileged[os.Args[2]]
		if !ok {
			fmt.Fprintln(os.Stderr, "unknown instruction", os.Args[2])
			os.Exit(2)
		}
		if !handled {
			defaultActions()
		}
		f()
		fmt.Println(os.Args[2], "executed")
	case "int80":
		fmt.Println("write:", int80(4, 1, uint32(uintptr(unsafe.Pointer(&message[0]))), uint32(len(message))))
		fmt.Println("close(-1):", int80(6, 0xffffffff, 0, 0))
		fmt.Println("dup(1) then close:", int80(6, uint32(int80(41, 1, 0, 0)), 0, 0))
		fmt.Println("syscall 500:", int80(500, 0, 0, 0))
		int80(252, 7, 0, 0) // exit_group
		fmt.Println("exit_group returned")
	case "int80-enosys":
		fmt.Println("nanosleep:", int80(162, 0, 0, 0))
	case "jump0":
		if !handled {
			defaultActions()
		}
		callZero()
		fmt.Println("returned from address 0")
	case "sigreturn0":
		defaultActions()
		sigreturnToZero()
		fmt.Println("returned from rt_sigreturn")
	case "create":
		create(os.Args[2])
	case "fds":
		fds()
	case "readfault":
		readfault()
	case "longpath":
		longpath()
	case "rename":
		rename(os.Args[2])
	case "sleep-max":
		ts := syscall.Timespec{Sec: 1<<63 - 1}
		_, _, e := syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		fmt.Println("nanosleep(INT64_MAX) returned:", e)
	case "stdout-seek":
		first, last, x := []byte("first\n"), []byte("last\n"), []byte("X")
		syscall.Write(1, first)
		r, _, e := syscall.RawSyscall(syscall.SYS_LSEEK, 1, 0, 0 /*SEEK_SET*/)
		fmt.Fprintf(os.Stderr, "lseek(1, 0, SEEK_SET): %d %v\n", int(r), e)
		r, _, e = syscall.RawSyscall6(syscall.SYS_PWRITE64, 1, uintptr(unsafe.Pointer(&x[0])), 1, 0, 0, 0)
		fmt.Fprintf(os.Stderr, "pwrite(1, X, 1, 0): %d %v\n", int(r), e)
		r, _, e = syscall.RawSyscall6(syscall.SYS_PWRITE64, 1, uintptr(unsafe.Pointer(&x[0])), 1, 1<<40, 0, 0)
		fmt.Fprintf(os.Stderr, "pwrite(1, X, 1, 1 TiB): %d %v\n", int(r), e)
		r, _, e = syscall.RawSyscall(syscall.SYS_FTRUNCATE, 1, 0, 0)
		fmt.Fprintf(os.Stderr, "ftruncate(1, 0): %d %v\n", int(r), e)
		syscall.Write(1, last)
	case "exhaust":
		n := 0
		for {
			_, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(^uint(99)), cstr("/dev/null"), syscall.O_RDONLY, 0, 0, 0)
			if e != 0 {
				fmt.Printf("opened %d, then %v\n", n, e)
				break
			}
			n++
		}
	case "eventfds":
		var n int
		fmt.Sscan(os.Args[2], &n)
		for i := 0; i < n; i++ {
			if _, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC, 0); e != 0 {
				fmt.Println("eventfd", i, e)
				os.Exit(1)
			}
		}
		fmt.Println(n, "eventfds")
	default:
		fmt.Fprintln(os.Stderr, "unknown case", os.Args[1])
		os.Exit(2)
	}
}

func cstr(s string) uintptr {
	b, _ := syscall.BytePtrFromString(s)
	return uintptr(unsafe.Pointer(b))
}

// result prints a raw syscall's result: the value, or the errno's name.
func result(name string, r uintptr, e syscall.Errno) {
	if e != 0 {
		fmt.Printf("%s: %v\n", name, e)
	} else {
		fmt.Printf("%s: %d\n", name, int(r))
	}
}

func mode(name, path string) {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		fmt.Printf("%s: %v\n", name, err)
		return
	}
	fmt.Printf("%s: %#o\n", name, st.Mode&07777)
}

// create makes every kind of file the guest may make, asking for the bits it must not get.
func create(dir string) {
	old := syscall.Umask(022)
	fmt.Printf("umask at start: %#o\n", old)
	p := filepath.Join(dir, "setuid")
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(^uint(99)) /*AT_FDCWD*/, cstr(p),
		syscall.O_CREAT|syscall.O_WRONLY, 06755, 0, 0)
	result("openat O_CREAT 06755", fd, e)
	mode("  mode", p)
	p = filepath.Join(dir, "creat")
	fd, _, e = syscall.RawSyscall(syscall.SYS_CREAT, cstr(p), 04777, 0)
	result("creat 04777", fd, e)
	mode("  mode", p)
	p = filepath.Join(dir, "open")
	fd, _, e = syscall.RawSyscall(syscall.SYS_OPEN, cstr(p), syscall.O_CREAT|syscall.O_RDWR, 02775)
	result("open O_CREAT 02775", fd, e)
	mode("  mode", p)
	p = filepath.Join(dir, "sticky")
	_, _, e = syscall.RawSyscall6(syscall.SYS_MKDIRAT, uintptr(^uint(99)), cstr(p), 07777, 0, 0, 0)
	result("mkdirat 07777", 0, e)
	mode("  mode", p)
	p = filepath.Join(dir, "mkdir")
	_, _, e = syscall.RawSyscall(syscall.SYS_MKDIR, cstr(p), 01777, 0)
	result("mkdir 01777", 0, e)
	mode("  mode", p)
	_, _, e = syscall.RawSyscall(syscall.SYS_MKNOD, cstr(filepath.Join(dir, "fifo")), syscall.S_IFIFO|0666, 0)
	result("mknod fifo", 0, e)
	old = syscall.Umask(077)
	fmt.Printf("umask was: %#o\n", old)
	p = filepath.Join(dir, "private")
	fd, _, e = syscall.RawSyscall(syscall.SYS_OPEN, cstr(p), syscall.O_CREAT|syscall.O_WRONLY, 0666)
	result("open O_CREAT 0666 under umask 077", fd, e)
	mode("  mode", p)
}

func setNofile(soft uint64) {
	var l syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	l.Cur = soft
	_, _, e := syscall.RawSyscall(syscall.SYS_SETRLIMIT, syscall.RLIMIT_NOFILE, uintptr(unsafe.Pointer(&l)), 0)
	result(fmt.Sprintf("setrlimit(NOFILE, %d)", soft), 0, e)
}

func eventfd() (uintptr, syscall.Errno) {
	r, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC, 0)
	return r, e
}

// fds: every way to ask for a descriptor at or past the limit, and the limit moved both ways. Go's
// os package raised the soft limit to the hard one at start (go1.19): set 1024 first, as a shell gives.
func fds() {
	setNofile(1024)
	r, _, e := syscall.RawSyscall(syscall.SYS_DUP3, 1, 0x7fffffff, 0)
	result("dup3(1, INT_MAX)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD, 0x7fffffff)
	result("fcntl(1, F_DUPFD, INT_MAX)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD, ^uintptr(0))
	result("fcntl(1, F_DUPFD, -1)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD, 1024)
	result("fcntl(1, F_DUPFD, 1024)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD_CLOEXEC, 1023)
	result("fcntl(1, F_DUPFD_CLOEXEC, 1023)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD, 1023)
	result("fcntl(1, F_DUPFD, 1023) again", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP2, 1, ^uintptr(4), 0)
	result("dup2(1, -5)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP2, 1, 1024, 0)
	result("dup2(1, 1024)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP2, 1, 1, 0)
	result("dup2(1, 1)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP2, ^uintptr(4), ^uintptr(4), 0)
	result("dup2(-5, -5)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP3, 1, 1, 0)
	result("dup3(1, 1)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP3, 1, 5, 0x40)
	result("dup3(1, 5, 0x40)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP3, 99, 5, 0)
	result("dup3(99, 5)", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_CLOSE, 1023, 0, 0)
	result("close(1023)", r, e)
	var opened []uintptr
	for {
		fd, e := eventfd()
		if e != 0 {
			fmt.Printf("eventfds until the limit: %d, then %v\n", len(opened), e)
			break
		}
		opened = append(opened, fd)
	}
	var p [2]int32
	r, _, e = syscall.RawSyscall(syscall.SYS_PIPE2, uintptr(unsafe.Pointer(&p)), 0, 0)
	result("pipe2 at the limit", r, e)
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(^uint(99)), cstr("/dev/null"), syscall.O_RDONLY, 0, 0, 0)
	result("openat at the limit", fd, e)
	setNofile(1025)
	r, _, e = syscall.RawSyscall(syscall.SYS_PIPE2, uintptr(unsafe.Pointer(&p)), 0, 0)
	result("pipe2 with one descriptor free", r, e)
	fd, e = eventfd()
	result("eventfd with one free", fd, e)
	var l syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	bad := syscall.Rlimit{Cur: l.Max + 1, Max: l.Max}
	_, _, e = syscall.RawSyscall(syscall.SYS_SETRLIMIT, syscall.RLIMIT_NOFILE, uintptr(unsafe.Pointer(&bad)), 0)
	result("setrlimit(NOFILE, soft above hard)", 0, e)
	setNofile(100)
	fd, e = eventfd()
	result("eventfd under a limit of 100", fd, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_DUP2, 1, 150, 0)
	result("dup2(1, 150) under a limit of 100", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, 1, syscall.F_DUPFD, 150)
	result("fcntl(1, F_DUPFD, 150) under a limit of 100", r, e)
	r, _, e = syscall.RawSyscall(syscall.SYS_WRITE, 1000, uintptr(unsafe.Pointer(&message[0])), 1)
	result("write(1000) still open above the limit", r, e)
	for _, fd := range opened[:10] {
		syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	}
	fd, e = eventfd()
	result("eventfd after closing ten", fd, e)
}

// readfault: a read whose buffer faults consumes nothing, from a file (the offset stays) or a pipe.
func readfault() {
	bad, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fmt.Println("mmap:", err)
		return
	}
	badp := uintptr(unsafe.Pointer(&bad[0]))
	fd, err := syscall.Open(os.Args[0], syscall.O_RDONLY, 0)
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	r, _, e := syscall.Syscall(syscall.SYS_READ, uintptr(fd), badp, 4)
	result("read(file, PROT_NONE buffer)", r, e)
	off, _ := syscall.Seek(fd, 0, 1)
	fmt.Println("file offset after it:", off)
	buf := make([]byte, 4)
	n, _ := syscall.Read(fd, buf)
	fmt.Printf("then read: %d %q\n", n, buf[:n])
	var p [2]int
	syscall.Pipe(p[:])
	syscall.Write(p[1], []byte("abc"))
	r, _, e = syscall.Syscall(syscall.SYS_READ, uintptr(p[0]), badp, 3)
	result("read(pipe, PROT_NONE buffer)", r, e)
	n, _ = syscall.Read(p[0], buf)
	fmt.Printf("then read: %d %q\n", n, buf[:n])
}

// longpath: the kernel takes paths of up to PATH_MAX bytes with the NUL; one more is ENAMETOOLONG.
func longpath() {
	for _, n := range []int{4095, 4096, 5000} {
		b := make([]byte, 0, n+1)
		for len(b) < n {
			b = append(b, '/')
			for i := 0; i < 200 && len(b) < n; i++ {
				b = append(b, 'a')
			}
		}
		b = append(b, 0)
		_, _, e := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(^uint(99)), uintptr(unsafe.Pointer(&b[0])), syscall.O_RDONLY, 0, 0, 0)
		result(fmt.Sprintf("openat of a %d-byte path", n), 0, e)
		var st syscall.Stat_t
		_, _, e = syscall.Syscall(syscall.SYS_STAT, uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&st)), 0)
		result(fmt.Sprintf("stat of a %d-byte path", n), 0, e)
	}
}

func contents(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "-"
	}
	return string(b)
}

// rename: renameat2's flags, honoured (or refused) as Linux does them.
func rename(dir string) {
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	os.WriteFile(a, []byte("A"), 0644)
	os.WriteFile(b, []byte("B"), 0644)
	call := func(name, from, to string, flags uintptr) {
		_, _, e := syscall.Syscall6(316 /*renameat2*/, uintptr(^uint(99)), cstr(from), uintptr(^uint(99)), cstr(to), flags, 0)
		result(name, 0, e)
		fmt.Printf("  a=%s b=%s c=%s\n", contents(a), contents(b), contents(c))
	}
	call("RENAME_NOREPLACE a -> b (b exists)", a, b, 1)
	call("RENAME_EXCHANGE a <-> b", a, b, 2)
	call("RENAME_EXCHANGE a <-> c (c missing)", a, c, 2)
	call("RENAME_NOREPLACE|RENAME_EXCHANGE", a, b, 3)
	call("unknown flag 8", a, b, 8)
	call("RENAME_NOREPLACE a -> c", a, c, 1)
	call("plain b -> c (replaces)", b, c, 0)
}
