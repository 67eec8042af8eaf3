// gcchurn allocates a few tens of MB in small and large objects, maps and
// slices, forces collections with runtime.GC(), and checks that the live data
// survived (a checksum) and that the collections happened.
package main

import (
	"fmt"
	"runtime"
)

type node struct {
	next *node
	val  uint64
	pad  [4]uint64
}

const explicitGCs = 3

func mix(h, v uint64) uint64 {
	h ^= v
	h *= 1099511628211
	return h
}

func main() {
	h := uint64(14695981039346656037)

	// Small objects: a linked list, most of it garbage after each round.
	var keep *node
	for round := 0; round < 4; round++ {
		var head *node
		for i := 0; i < 50000; i++ { // 50000 * 48 B ≈ 2.4 MB per round
			head = &node{next: head, val: uint64(round*50000 + i)}
		}
		if round == 1 {
			keep = head
		}
		for n := head; n != nil; n = n.next {
			h = mix(h, n.val)
		}
	}

	// Large objects: 1 MB slices, only every fourth kept.
	var big [][]byte
	for i := 0; i < 24; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 512 {
			b[j] = byte(i + j>>9)
		}
		if i%4 == 0 {
			big = append(big, b)
		}
	}
	runtime.GC()

	// Maps and growing slices.
	m := make(map[int]string)
	for i := 0; i < 100000; i++ {
		m[i] = fmt.Sprint(i * 7)
	}
	for i := 0; i < 100000; i += 2 {
		delete(m, i)
	}
	var grow []uint64
	for i := 0; i < 500000; i++ {
		grow = append(grow, uint64(i)*3)
	}
	runtime.GC()

	for i := 1; i < 100000; i += 2 {
		for _, c := range []byte(m[i]) {
			h = mix(h, uint64(c))
		}
	}
	for _, v := range grow {
		h = mix(h, v)
	}
	for _, b := range big {
		for j := 0; j < len(b); j += 4096 {
			h = mix(h, uint64(b[j]))
		}
	}
	n := 0
	for p := keep; p != nil; p = p.next {
		h = mix(h, p.val)
		n++
	}
	runtime.GC()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("gcchurn: map entries =", len(m), "kept list length =", n, "big kept =", len(big))
	fmt.Printf("gcchurn: checksum = %#016x\n", h)
	fmt.Println("gcchurn: NumGC >= explicit GCs:", ms.NumGC >= explicitGCs)
}
