// argsenv prints its arguments and a few environment variables: it proves
// that argv and envp reach the guest as the host gives them.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	fmt.Println("argc:", len(os.Args))
	fmt.Println("argv[0] base:", filepath.Base(os.Args[0]))
	for i, a := range os.Args[1:] {
		fmt.Printf("argv[%d]: %q\n", i+1, a)
	}
	for _, name := range []string{"GOSTART_TEST_VAR", "GOSTART_TEST_EMPTY", "GOSTART_TEST_UNSET"} {
		v, ok := os.LookupEnv(name)
		fmt.Printf("env %s: set=%v value=%q\n", name, ok, v)
	}
}
