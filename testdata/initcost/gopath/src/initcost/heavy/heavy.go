// Package heavy's two inits compute: the most instructions of the program's own packages, few bytes.
package heavy

import "os"

var Sum uint64

func init() {
	for i := uint64(0); i < 300000; i++ {
		Sum = Sum*31 + i
	}
}

func init() {
	// One syscall of its own (getpid), so that the profile has one to count.
	Sum += uint64(os.Getpid() & 0)
}
