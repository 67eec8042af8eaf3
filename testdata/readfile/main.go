// readfile reads a file given as its first argument (the harness passes this
// very source file): open, fstat, read, lseek and close on a read-only file.
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: readfile FILE")
		os.Exit(2)
	}
	path := os.Args[1]
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Println("read failed:", err)
		os.Exit(1)
	}
	fmt.Println("bytes:", len(data))
	fmt.Println("lines:", strings.Count(string(data), "\n"))
	fmt.Printf("sha256: %x\n", sha256.Sum256(data))

	f, err := os.Open(path)
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(1)
	}
	defer f.Close()
	st, err := f.Stat()
	fmt.Println("stat: size matches:", err == nil && st.Size() == int64(len(data)), "regular:", st.Mode().IsRegular())
	first, _ := bufio.NewReader(f).ReadString('\n')
	fmt.Printf("first line: %q\n", first)
	off, err := f.Seek(-10, io.SeekEnd)
	tail := make([]byte, 10)
	n, _ := io.ReadFull(f, tail)
	fmt.Printf("tail at %d: %q %v\n", off, tail[:n], err)

	_, err = os.Open(path + ".does-not-exist")
	fmt.Println("missing file is not-exist:", os.IsNotExist(err))
}
