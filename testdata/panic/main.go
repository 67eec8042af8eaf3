// panic dies of an unrecovered panic: exit status 2, "panic: ..." and a
// goroutine trace on stderr (whose addresses differ between runs of different
// builds, so the harness compares only the first lines).
package main

import (
	"fmt"
	"os"
)

func explode(what string) {
	panic("gostart-emu testdata: " + what)
}

func main() {
	fmt.Println("about to panic")
	fmt.Fprintln(os.Stderr, "stderr before the panic")
	explode("custom panic message")
}
