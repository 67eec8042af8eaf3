// initcost: a program whose package inits differ in cost, for `inittrace` and `diff`: small does
// almost nothing, heavy computes (two init functions), alloc fills a map, and main has its own init.
// The packages live in gopath/ (GOPATH mode), so their paths are "initcost/small" on every machine.
package main

import (
	"fmt"
	"os"

	"initcost/alloc"
	"initcost/heavy"
	"initcost/small"
)

var ready bool

func init() { ready = len(os.Args) > 0 }

func main() {
	fmt.Println("initcost:", small.Value, heavy.Sum%1000, len(alloc.Table), ready)
}
