// atomics exercises sync/atomic (LOCK-prefixed instructions, CMPXCHG, XADD),
// atomic.Value, sync.Once and sync.RWMutex across many goroutines.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	const goroutines, iters = 16, 2000
	var (
		add   int64
		typed atomic.Int64
		cas   uint32
		max   atomic.Uint64
		once  sync.Once
		onces int32
		wg    sync.WaitGroup
	)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				atomic.AddInt64(&add, 1)
				typed.Add(2)
				for {
					old := atomic.LoadUint32(&cas)
					if atomic.CompareAndSwapUint32(&cas, old, old+3) {
						break
					}
				}
				v := uint64(id*iters + i)
				for {
					cur := max.Load()
					if v <= cur || max.CompareAndSwap(cur, v) {
						break
					}
				}
				once.Do(func() { atomic.AddInt32(&onces, 1) })
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("add:", atomic.LoadInt64(&add))
	fmt.Println("typed:", typed.Load())
	fmt.Println("cas:", atomic.LoadUint32(&cas))
	fmt.Println("max:", max.Load())
	fmt.Println("once ran:", atomic.LoadInt32(&onces))

	var cfg atomic.Value
	cfg.Store(map[string]int{"version": 1})
	var rw sync.RWMutex
	readers := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rw.RLock()
			_ = cfg.Load().(map[string]int)["version"]
			rw.RUnlock()
			rw.Lock()
			readers++
			rw.Unlock()
		}()
	}
	wg.Wait()
	old := cfg.Swap(map[string]int{"version": 2}).(map[string]int)
	fmt.Println("value: old version", old["version"], "new version", cfg.Load().(map[string]int)["version"], "readers", readers)

	var flag atomic.Bool
	fmt.Println("bool: swapped from", flag.Swap(true), "now", flag.Load())
	fmt.Println("atomics: done")
}
