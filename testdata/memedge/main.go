// memedge makes memory syscalls with arguments Linux refuses (issue 18) and shows that the answers
// are the kernel's and that the program survives them: the end-to-end suite compares this output
// with a native run. Only calls whose answer does not depend on privileges are made (the suite runs
// natively as whoever runs it, root on CI).
package main

import (
	"fmt"
	"syscall"
)

func raw(nr, a, b, c uintptr) string {
	r, _, e := syscall.RawSyscall(nr, a, b, c)
	if e != 0 {
		return fmt.Sprintf("-1 %v", e)
	}
	return fmt.Sprintf("%#x", r)
}

func raw6(nr, a, b, c, d, e, f uintptr) string {
	_, _, errno := syscall.RawSyscall6(nr, a, b, c, d, e, f)
	if errno != 0 {
		return fmt.Sprintf("-1 %v", errno)
	}
	return "ok"
}

const top = 0x7ffffffff000 // TASK_SIZE

func main() {
	// A length that overflows: EINVAL, and nothing is unmapped (the emulator used to unmap everything).
	fmt.Println("munmap(0x1000, ~0-0x2000):", raw(syscall.SYS_MUNMAP, 0x1000, ^uintptr(0)-0x2000, 0))
	fmt.Println("munmap(top, 4096):", raw(syscall.SYS_MUNMAP, top, 4096, 0))
	fmt.Println("munmap(0x400000, top):", raw(syscall.SYS_MUNMAP, 0x400000, top, 0))
	fmt.Println("munmap(0x400000, 0):", raw(syscall.SYS_MUNMAP, 0x400000, 0, 0))

	// brk after ordinary brk calls: a bad break answers the current one and changes nothing (the
	// emulator used to unmap the program's own text for brk(-1)). Breaks print relative to the first.
	b0, _, _ := syscall.RawSyscall(syscall.SYS_BRK, 0, 0, 0)
	rel := func(arg uintptr) string {
		r, _, _ := syscall.RawSyscall(syscall.SYS_BRK, arg, 0, 0)
		return fmt.Sprintf("%+#x", int64(r-b0))
	}
	fmt.Println("brk(b0+64K):", rel(b0+0x10000))
	fmt.Println("brk(b0+100K):", rel(b0+0x19000))
	fmt.Println("brk(-1):", rel(^uintptr(0)))
	fmt.Println("brk(-4096):", rel(^uintptr(0)-0xfff))
	fmt.Println("brk(1<<63):", rel(1<<63))
	fmt.Println("brk(top):", rel(top))
	fmt.Println("brk(b0-1):", rel(b0-1))
	fmt.Println("brk(0x400000):", rel(0x400000))
	fmt.Println("brk(b0+8K):", rel(b0+0x2000))
	fmt.Println("brk(b0):", rel(b0))

	// A mapping to play with, then calls on it that Linux refuses.
	const addr = 0x500000000000
	fmt.Println("mmap fixed:", raw6(syscall.SYS_MMAP, addr, 0x4000, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_FIXED, ^uintptr(0), 0))
	fmt.Println("mmap across the top:", raw6(syscall.SYS_MMAP, top-0x1000, 0x2000, syscall.PROT_READ,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_FIXED, ^uintptr(0), 0))
	fmt.Println("mmap length ~0:", raw6(syscall.SYS_MMAP, 0, ^uintptr(0), syscall.PROT_READ,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS, ^uintptr(0), 0))
	fmt.Println("mmap neither private nor shared:", raw6(syscall.SYS_MMAP, 0, 0x1000, syscall.PROT_READ,
		syscall.MAP_ANONYMOUS, ^uintptr(0), 0))
	fmt.Println("mmap unaligned offset:", raw6(syscall.SYS_MMAP, 0, 0x1000, syscall.PROT_READ,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS, ^uintptr(0), 1))
	fmt.Println("mprotect bad bits:", raw(syscall.SYS_MPROTECT, addr, 0x1000, 0x10))
	fmt.Println("mprotect wraps:", raw(syscall.SYS_MPROTECT, addr, ^uintptr(0), syscall.PROT_READ))
	fmt.Println("mprotect growsdown:", raw(syscall.SYS_MPROTECT, addr, 0x1000, syscall.PROT_READ|0x01000000))
	fmt.Println("mprotect over a hole:", raw(syscall.SYS_MPROTECT, addr, 0x8000, syscall.PROT_READ))
	fmt.Println("madvise bad advice:", raw(syscall.SYS_MADVISE, addr+1, 0x1000, 5))
	fmt.Println("madvise wraps:", raw(syscall.SYS_MADVISE, addr, ^uintptr(0)-5, syscall.MADV_DONTNEED))
	fmt.Println("madvise over a hole:", raw(syscall.SYS_MADVISE, addr, 0x8000, syscall.MADV_DONTNEED))
	fmt.Println("madvise remove private:", raw(syscall.SYS_MADVISE, addr, 0x1000, syscall.MADV_REMOVE))
	fmt.Println("mremap bad flags:", raw6(syscall.SYS_MREMAP, addr, 0x1000, 0x2000, 8, 0, 0))
	fmt.Println("mremap across VMAs:", raw6(syscall.SYS_MREMAP, addr, 0x8000, 0x9000, 1, 0, 0))
	fmt.Println("mremap nothing there:", raw6(syscall.SYS_MREMAP, addr+0x10000, 0x1000, 0x2000, 1, 0, 0))
	fmt.Println("msync unmapped:", raw(syscall.SYS_MSYNC, addr+0x10000, 0x1000, syscall.MS_SYNC))
	fmt.Println("msync bad flags:", raw(syscall.SYS_MSYNC, addr, 0x1000, 8))
	fmt.Println("mincore past the top:", raw(syscall.SYS_MINCORE, top-0x1000, 0x2000, addr))
	fmt.Println("munlock a hole:", raw(syscall.SYS_MUNLOCK, addr+0x10000, 0x1000, 0))
	fmt.Println("mlockall bad flags:", raw(syscall.SYS_MLOCKALL, 8, 0, 0))

	// Still a working Go program: the heap, the GC, goroutines.
	total := 0
	done := make(chan int)
	for i := 0; i < 4; i++ {
		go func(n int) {
			s := make([]byte, 1<<20)
			for j := range s {
				s[j] = byte(n)
			}
			done <- len(s)
		}(i)
	}
	for i := 0; i < 4; i++ {
		total += <-done
	}
	fmt.Println("alive:", total)
}
