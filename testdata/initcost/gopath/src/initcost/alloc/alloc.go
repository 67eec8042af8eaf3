// Package alloc's init allocates: a map of 2000 strings.
package alloc

import "strconv"

var Table map[string]int

func init() {
	Table = make(map[string]int)
	for i := 0; i < 2000; i++ {
		Table["key"+strconv.Itoa(i)] = i
	}
}
