// selecttimeout exercises select: timeouts, default cases, nil channels,
// closed channels, and context deadlines and cancellation.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	never := make(chan int)
	select {
	case v := <-never:
		fmt.Println("never: got", v)
	case <-time.After(10 * time.Millisecond):
		fmt.Println("never: timed out")
	}

	ready := make(chan int, 1)
	ready <- 7
	select {
	case v := <-ready:
		fmt.Println("ready: got", v)
	case <-time.After(time.Second):
		fmt.Println("ready: timed out")
	}

	select {
	case v := <-never:
		fmt.Println("default: got", v)
	default:
		fmt.Println("default: nothing ready")
	}

	var nilCh chan int // a nil channel is never ready
	closed := make(chan int)
	close(closed)
	select {
	case <-nilCh:
		fmt.Println("closed: nil channel was ready")
	case v, ok := <-closed:
		fmt.Println("closed: got", v, "ok =", ok)
	}

	// A producer slower than the first deadline: a wide margin, so a loaded host cannot
	// make both ready at once (select would then choose at random).
	slow := make(chan string)
	go func() {
		time.Sleep(150 * time.Millisecond)
		slow <- "slow value"
	}()
	got := []string{}
	for len(got) < 2 {
		select {
		case v := <-slow:
			got = append(got, v)
		case <-time.After(10 * time.Millisecond):
			if len(got) == 0 { // later timeouts only wait for the value
				got = append(got, "first timeout")
			}
		}
	}
	fmt.Println("slow:", got)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("ctx: deadline exceeded:", errors.Is(ctx.Err(), context.DeadlineExceeded))

	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(5 * time.Millisecond)
		cancel2()
	}()
	select {
	case <-ctx2.Done():
		fmt.Println("ctx: canceled:", errors.Is(ctx2.Err(), context.Canceled))
	case <-time.After(time.Second):
		fmt.Println("ctx: cancellation never arrived")
	}
	fmt.Println("selecttimeout: done")
}
