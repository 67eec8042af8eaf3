// timers exercises the runtime timer machinery: time.Sleep, time.After,
// time.NewTicker, time.AfterFunc, Timer.Stop/Reset. It prints only facts that
// hold on any correct clock (counts, ordering, "at least as long as asked").
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("sleep: slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)

	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("after: the 5ms timer fired first")
	case <-time.After(500 * time.Millisecond):
		fmt.Println("after: the 500ms timer fired first")
	}

	// The clock starts before the ticker does: the third tick cannot come sooner than 15ms after
	// NewTicker, but NewTicker may run well before a later time.Now() on a loaded machine.
	tickStart := time.Now()
	ticker := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	ticker.Stop()
	fmt.Println("ticker: ticks =", ticks, "took at least 15ms:", time.Since(tickStart) >= 15*time.Millisecond)

	fired := make(chan string, 1)
	time.AfterFunc(10*time.Millisecond, func() { fired <- "afterfunc ran" })
	fmt.Println("afterfunc:", <-fired)

	never := time.NewTimer(time.Hour)
	fmt.Println("stop: stopped a pending timer:", never.Stop())

	t := time.NewTimer(time.Hour)
	t.Stop()
	t.Reset(5 * time.Millisecond)
	<-t.C
	fmt.Println("reset: a reset timer fired")

	// AfterFunc callbacks run in goroutines of their own: space them widely so that a
	// loaded host does not fire two in one batch (their goroutines may then run in either order).
	order := make(chan int, 3)
	for _, d := range []int{90, 10, 50} {
		d := d
		time.AfterFunc(time.Duration(d)*time.Millisecond, func() { order <- d })
	}
	fmt.Println("order:", <-order, <-order, <-order)
	fmt.Println("timers: done")
}
