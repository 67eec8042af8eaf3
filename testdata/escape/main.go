// escape tries every way out of gostart-emu's sandbox and prints one line per attempt: "NAME: ok" or
// "NAME: <the error>". It is NOT part of the native comparison suite: natively each attempt succeeds
// and changes the host (tests/sandbox/escape_test.py runs it natively only on scratch files and
// sacrificial processes, to show that its checks notice an escape).
//
//	escape sandbox -dir D -kill PID -tkill PID -tgkill PID -port N -marker F
//	    D holds victim.txt, a sub/ directory and nothing else; PIDs are sacrificial host processes;
//	    N is a TCP port on 127.0.0.1 that the test listens on; F is a path that exec would create.
//	escape allow -allowed A -outside O
//	    with --allow-write A: one legal write in A, then escapes from A into O (symlinks, .., fds).
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"
)

// report prints the outcome of one attempt.
func report(name string, err error) {
	if err == nil {
		fmt.Printf("%s: ok\n", name)
		return
	}
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	} else if le, ok := err.(*os.LinkError); ok {
		err = le.Err
	} else if se, ok := err.(*os.SyscallError); ok {
		err = se.Err
	} else if oe, ok := err.(*net.OpError); ok {
		err = oe.Err
		if se, ok := err.(*os.SyscallError); ok {
			err = se.Err
		}
	}
	fmt.Printf("%s: %v\n", name, err)
}

func errno(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func cstr(s string) uintptr {
	b, _ := syscall.BytePtrFromString(s)
	return uintptr(unsafe.Pointer(b))
}

// raw makes a syscall by number, so that each row of the emulator's table is reached, not only the
// one the Go library happens to use.
func raw(nr uintptr, args ...uintptr) error {
	var a [6]uintptr
	copy(a[:], args)
	_, _, e := syscall.Syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5])
	return errno(e)
}

func sandbox(dir string, killPid, tkillPid, tgkillPid, port int, marker string) {
	victim := filepath.Join(dir, "victim.txt")
	sub := filepath.Join(dir, "sub")

	// Files: create, write, truncate, rename, delete, chmod, chown, link, times, device nodes.
	f, err := os.OpenFile(filepath.Join(dir, "new.txt"), os.O_CREATE|os.O_WRONLY, 0644)
	report("create", err)
	if f != nil {
		f.Close()
	}
	report("creat", raw(syscall.SYS_CREAT, cstr(filepath.Join(dir, "creat.txt")), 0644))
	for _, m := range []struct {
		name string
		flag int
	}{{"open-write", os.O_WRONLY}, {"open-rdwr", os.O_RDWR}, {"open-append", os.O_WRONLY | os.O_APPEND},
		{"open-trunc", os.O_RDONLY | os.O_TRUNC}} {
		f, err := os.OpenFile(victim, m.flag, 0)
		if err == nil {
			_, err = f.Write([]byte("changed\n"))
			f.Close()
		}
		report(m.name, err)
	}
	report("open-proc-self-mem", func() error {
		f, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0)
		if f != nil {
			f.Close()
		}
		return err
	}())
	report("truncate", os.Truncate(victim, 0))
	ro, err := os.Open(victim)
	report("open-read", err)
	if ro != nil {
		report("ftruncate", ro.Truncate(0))
		report("fchmod", ro.Chmod(0777))
		report("fchown", ro.Chown(0, 0))
		// A shared writable mapping of a read-only descriptor would write the file back.
		_, err = syscall.Mmap(int(ro.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
		report("mmap-shared-write", err)
		ro.Close()
	}
	report("rename", os.Rename(victim, filepath.Join(dir, "renamed.txt")))
	report("rename-raw", raw(syscall.SYS_RENAME, cstr(victim), cstr(filepath.Join(dir, "renamed2.txt"))))
	report("unlink", os.Remove(victim))
	report("unlink-raw", raw(syscall.SYS_UNLINK, cstr(victim)))
	report("rmdir", os.Remove(sub))
	report("rmdir-raw", raw(syscall.SYS_RMDIR, cstr(sub)))
	report("mkdir", os.Mkdir(filepath.Join(dir, "newdir"), 0755))
	report("mkdir-raw", raw(syscall.SYS_MKDIR, cstr(filepath.Join(dir, "newdir2")), 0755))
	report("chmod", os.Chmod(victim, 0777))
	report("chmod-raw", raw(syscall.SYS_CHMOD, cstr(victim), 0777))
	report("chown", os.Chown(victim, 1, 1))
	report("chown-raw", raw(syscall.SYS_CHOWN, cstr(victim), 1, 1))
	report("link", os.Link(victim, filepath.Join(dir, "hard.txt")))
	report("link-raw", raw(syscall.SYS_LINK, cstr(victim), cstr(filepath.Join(dir, "hard2.txt"))))
	report("symlink", os.Symlink("/etc/passwd", filepath.Join(dir, "sym")))
	report("symlink-raw", raw(syscall.SYS_SYMLINK, cstr("/etc/passwd"), cstr(filepath.Join(dir, "sym2"))))
	report("utimes", os.Chtimes(victim, time.Unix(0, 0), time.Unix(0, 0)))
	report("mknod", syscall.Mknod(filepath.Join(dir, "fifo"), syscall.S_IFIFO|0644, 0))

	// Sockets: none, of any family.
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	report("dial-tcp", err)
	if c != nil {
		c.Close()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	report("listen-tcp", err)
	if l != nil {
		l.Close()
	}
	_, err = syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	report("socket-unix", err)
	_, err = syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW, 0)
	report("socket-netlink", err)
	_, err = syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	report("socketpair", err)

	// Signals to host processes: by pid, by thread id, to everyone, and by the less common routes.
	report("kill", syscall.Kill(killPid, syscall.SIGTERM))
	report("kill-group", syscall.Kill(-killPid, 0))
	report("kill-everyone", syscall.Kill(-1, 0))
	report("tkill", raw(syscall.SYS_TKILL, uintptr(tkillPid), uintptr(syscall.SIGTERM)))
	report("tgkill", syscall.Tgkill(tgkillPid, tgkillPid, syscall.SIGTERM))
	var info [128]byte
	report("rt_sigqueueinfo", raw(syscall.SYS_RT_SIGQUEUEINFO, uintptr(killPid), uintptr(syscall.SIGTERM),
		uintptr(unsafe.Pointer(&info[0]))))
	report("pidfd_open", raw(434 /*SYS_PIDFD_OPEN*/, uintptr(killPid), 0))
	report("ptrace-attach", raw(syscall.SYS_PTRACE, syscall.PTRACE_ATTACH, uintptr(killPid)))

	// New processes: fork, the library's fork+exec, and exec in place (last: natively it does not return).
	r1, _, e := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if e == 0 && r1 == 0 {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0) // the child, natively: leave at once
	}
	report("fork", errno(e))
	report("fork-exec", exec.Command("/usr/bin/touch", marker+".fork").Run())
	report("execve", syscall.Exec("/usr/bin/touch", []string{"touch", marker}, nil))
}

func allow(allowed, outside string) {
	write := func(name, path string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0644)
		if err == nil {
			_, err = f.Write([]byte("written\n"))
			f.Close()
		}
		report(name, err)
	}
	write("create-inside", filepath.Join(allowed, "ok.txt"))
	write("via-dotdot", filepath.Join(allowed, "..", filepath.Base(outside), "dotdot.txt"))
	write("via-symlinked-dir", filepath.Join(allowed, "link-out", "through-link.txt"))
	write("via-dangling-symlink", filepath.Join(allowed, "dangling"))
	write("via-file-symlink", filepath.Join(allowed, "link-file"))
	report("rename-out", os.Rename(filepath.Join(allowed, "ok.txt"), filepath.Join(outside, "moved.txt")))
	report("mkdir-out", os.Mkdir(filepath.Join(allowed, "..", filepath.Base(outside), "newdir"), 0755))
	report("unlink-out", os.Remove(filepath.Join(allowed, "link-out", "keep.txt")))
	// Relative to a descriptor of the allowed directory, and from a working directory inside it.
	d, err := os.Open(allowed)
	if err == nil {
		fd, err := syscall.Openat(int(d.Fd()), "../"+filepath.Base(outside)+"/openat.txt",
			syscall.O_CREAT|syscall.O_WRONLY, 0644)
		if err == nil {
			syscall.Close(fd)
		}
		report("openat-dotdot", err)
		d.Close()
	}
	report("chdir-inside", os.Chdir(allowed))
	write("relative-dotdot", filepath.Join("..", filepath.Base(outside), "relative.txt"))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: escape sandbox|allow FLAGS")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", "", "")
	killPid := fs.Int("kill", 0, "")
	tkillPid := fs.Int("tkill", 0, "")
	tgkillPid := fs.Int("tgkill", 0, "")
	port := fs.Int("port", 0, "")
	marker := fs.String("marker", "", "")
	allowed := fs.String("allowed", "", "")
	outside := fs.String("outside", "", "")
	fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "sandbox":
		sandbox(*dir, *killPid, *tkillPid, *tgkillPid, *port, *marker)
	case "allow":
		allow(*allowed, *outside)
	}
}
