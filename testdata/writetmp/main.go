// writetmp tries to create, write, read back and remove a file in the
// directory given as its first argument (default /tmp). Natively that works;
// under gostart-emu it fails with EACCES unless --allow-write covers the
// directory. It prints the outcome, not the file's (random) name.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

func main() {
	dir := "/tmp"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	f, err := os.CreateTemp(dir, "gostart-writetmp-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			fmt.Println("create: failed:", pe.Err)
		} else {
			fmt.Println("create: failed:", err)
		}
		fmt.Println("create: permission error:", errors.Is(err, fs.ErrPermission))
		return
	}
	name := f.Name()
	defer os.Remove(name)
	msg := "written by writetmp\n"
	_, err = f.WriteString(msg)
	fmt.Println("create: ok; write error:", err)
	f.Close()
	back, err := os.ReadFile(name)
	fmt.Println("read back matches:", err == nil && string(back) == msg)
	fmt.Println("remove error:", os.Remove(name))
}
