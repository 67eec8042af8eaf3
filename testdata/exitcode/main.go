// exitcode exits with status 3 through os.Exit, skipping deferred calls.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: must not be printed")
	fmt.Println("exiting with status 3")
	fmt.Fprintln(os.Stderr, "exitcode: a line on stderr")
	os.Exit(3)
}
