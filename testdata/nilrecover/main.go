// nilrecover dereferences a nil pointer, which must become a SIGSEGV that the
// runtime turns into a recoverable runtime error; the program then carries on.
// Last, an integer division by zero, for contrast: Go checks the divisor itself
// and panics without a signal.
package main

import (
	"fmt"
	"runtime"
)

type point struct{ x, y int }

var (
	nilPoint *point // package-level so the compiler cannot prove anything about them
	zero     = 0
)

func divide(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(runtime.Error)
		}
	}()
	return a / b, nil
}

func deref(p *point) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, isRuntimeError := r.(runtime.Error)
			fmt.Println("recovered runtime.Error:", isRuntimeError)
			if isRuntimeError {
				err = re
			}
		}
	}()
	return p.y, nil
}

func main() {
	for i := 0; i < 3; i++ {
		_, err := deref(nilPoint)
		fmt.Printf("attempt %d: %v\n", i, err)
	}
	v, err := deref(&point{1, 42})
	fmt.Println("non-nil:", v, err)
	_, err = divide(7, zero)
	fmt.Println("divide by zero:", err)
	fmt.Println("nilrecover: still running")
}
