// spin needs asynchronous preemption: with one P, a goroutine spins in a loop
// without function calls (so without cooperative preemption points); main can
// only wake from its sleep if sysmon preempts the spinner with SIGURG.
package main

import (
	"fmt"
	"runtime"
	"time"
)

var counter uint64 // package-level so the loop is not optimised away

func spin() {
	for {
		counter++
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	go spin()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("main woke")
}
