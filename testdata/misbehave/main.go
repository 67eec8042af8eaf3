// misbehave does what the emulator's limits are for. Not part of the native comparison: natively
// `forever` never returns and `alloc` takes 5 GiB.
//
//	misbehave forever   the main thread waits on a futex nobody wakes; the runtime's own threads keep
//	                    sleeping on timers, so no thread is ever "deadlocked" without a deadline (--max-idle)
//	misbehave ticks     sleeps 5 minutes three times, printing after each: idle, but not forever
//	misbehave alloc     allocates 5 GiB, more than the default --max-memory
//	misbehave brk       moves the break 8 GiB up and touches every page of it (glibc's malloc in a cgo
//	                    program grows the heap this way): --max-memory must bound it as it bounds mmap
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "alloc" {
		b := make([]byte, 5<<30)
		b[len(b)-1] = 1
		fmt.Println("allocated", len(b))
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "brk" {
		b0, _, _ := syscall.RawSyscall(syscall.SYS_BRK, 0, 0, 0)
		b1, _, _ := syscall.RawSyscall(syscall.SYS_BRK, b0+8<<30, 0, 0)
		fmt.Printf("break moved %#x\n", b1-b0)
		for p := b0; p < b1; p += 4096 {
			*(*byte)(unsafe.Pointer(p)) = 1
		}
		fmt.Println("touched")
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "ticks" {
		for i := 1; i <= 3; i++ {
			time.Sleep(5 * time.Minute)
			fmt.Println("tick", i)
		}
		return
	}
	var word uint32
	fmt.Println("waiting")
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(&word)), 0 /*FUTEX_WAIT*/, 0, 0, 0, 0)
	fmt.Println("woken")
}
