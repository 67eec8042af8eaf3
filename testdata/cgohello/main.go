// cgohello: a C function called through cgo, so the binary links runtime/cgo and glibc: start-up goes
// through ld.so, __libc_start_main and x_cgo_init, and the Ms are pthreads. The C side formats into a
// buffer and writes with stdio, so glibc's stdio and malloc run under the emulator too.
package main

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add(int a, int b) { return a + b; }

static char* greet(const char* who) {
	size_t n = strlen(who) + 16;
	char* s = malloc(n);
	snprintf(s, n, "hello, %s!", who);
	return s;
}

static void say(const char* s) {
	printf("from C: %s\n", s);
	fflush(stdout);
}
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

func main() {
	fmt.Println("cgo add:", C.add(2, 3))
	who := C.CString("gopher")
	defer C.free(unsafe.Pointer(who))
	g := C.greet(who)
	C.say(g)
	fmt.Println("back in Go:", C.GoString(g))
	C.free(unsafe.Pointer(g))

	// C calls from several goroutines: each may need its own M, a new pthread.
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for i := range sums {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sums[i] = int(C.add(C.int(i), C.int(i*i)))
		}(i)
	}
	wg.Wait()
	fmt.Println("sums:", sums)
}
