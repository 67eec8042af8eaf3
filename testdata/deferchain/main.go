// deferchain exercises defer ordering, recover in nested frames, panics during
// panicking, re-panics, named results changed by deferred calls, and
// runtime.Goexit running deferred calls.
package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("order: deferred", i)
	}
	fmt.Println("order: body")
}

func namedResult() (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = -1, fmt.Errorf("recovered: %v", r)
		}
	}()
	defer func() { n *= 2 }()
	n = 21
	panic("boom")
}

func nested() (msg string) {
	defer func() {
		r := recover()
		msg = fmt.Sprint("outer recovered: ", r)
	}()
	func() {
		defer func() {
			r := recover()
			panic(fmt.Sprint("re-panic of (", r, ")"))
		}()
		panic("inner")
	}()
	return "not reached"
}

func panicInDefer() (msg string) {
	defer func() { msg = fmt.Sprint("last panic wins: ", recover()) }()
	defer func() { panic("second") }()
	panic("first")
}

var errSentinel = errors.New("sentinel")

func errorValue() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	panic(fmt.Errorf("wrapped: %w", errSentinel))
}

func deepRecover(depth int) (got int) {
	if depth == 0 {
		panic(depth)
	}
	defer func() {
		if r := recover(); r != nil {
			got = depth
		}
	}()
	return deepRecover(depth - 1)
}

func goexit() {
	var wg sync.WaitGroup
	wg.Add(1)
	ran := make(chan string, 2)
	go func() {
		defer wg.Done()
		defer func() { ran <- "deferred ran" }()
		func() {
			defer func() { ran <- fmt.Sprint("recover under Goexit: ", recover()) }()
			runtime.Goexit()
		}()
		ran <- "not reached"
	}()
	wg.Wait()
	fmt.Println("goexit:", <-ran, "/", <-ran)
}

func main() {
	order()
	n, err := namedResult()
	fmt.Println("named:", n, err)
	fmt.Println("nested:", nested())
	fmt.Println("panicInDefer:", panicInDefer())
	err = errorValue()
	fmt.Println("errorValue:", err, "is sentinel:", errors.Is(err, errSentinel))
	fmt.Println("deep: recovered at depth", deepRecover(10))
	goexit()
	fmt.Println("deferchain: done")
}
