// selfdestruct takes away what it runs on, as a buggy or hostile program might. Linux kills it with
// SIGSEGV (status 139) either way; the emulator must too, and say in its report which call did it.
//
//	selfdestruct text    unmaps its own code: the return from the syscall faults, and so does Go's
//	                     signal handler, which was in that code
//	selfdestruct stack   disables its alternate signal stack and unmaps the stack it runs on: the
//	                     fault's signal frame cannot be written (Linux's force_sigsegv)
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	switch os.Args[1] {
	case "text":
		// The ELF's first page through the end of the code (the program is static, linked at 0x400000).
		syscall.RawSyscall(syscall.SYS_MUNMAP, 0x400000, 0x100000, 0)
	case "stack":
		var local [64]byte
		disable := [3]uint64{0, 2 /*SS_DISABLE*/, 0}
		syscall.RawSyscall(syscall.SYS_SIGALTSTACK, uintptr(unsafe.Pointer(&disable)), 0, 0)
		sp := uintptr(unsafe.Pointer(&local[0])) &^ 0xfff
		syscall.RawSyscall(syscall.SYS_MUNMAP, sp-0x4000, 0x8000, 0)
	}
	fmt.Println("still here")
}
