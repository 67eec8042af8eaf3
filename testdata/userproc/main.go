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
package main

import (
	"fmt"
	"os"
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
	default:
		fmt.Fprintln(os.Stderr, "unknown case", os.Args[1])
		os.Exit(2)
	}
}
