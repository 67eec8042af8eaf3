// forever never ends: main.main counts in a loop until it is stopped. The stepper's pseudo-terminal
// test interrupts `continue` on it with Ctrl-C (it is not a testdata program: the end-to-end suite
// runs those to their end natively).
package main

import "sync/atomic"

var counter uint64 // updated atomically, so the loop keeps it in memory where `print` can see it

func main() {
	for {
		atomic.AddUint64(&counter, 1)
	}
}
