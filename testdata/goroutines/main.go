// goroutines exercises goroutine creation, channels (buffered and unbuffered),
// sync.WaitGroup and sync.Mutex. Results are gathered by index so the output
// does not depend on the order in which goroutines are scheduled.
package main

import (
	"fmt"
	"sync"
)

func sumOfSquares(n int) int {
	s := 0
	for i := 1; i <= n; i++ {
		s += i * i
	}
	return s
}

func workerPool() {
	const jobs, workers = 100, 8
	type job struct{ idx, n int }
	in := make(chan job)
	results := make([]int, jobs)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				results[j.idx] = sumOfSquares(j.n)
			}
		}()
	}
	for i := 0; i < jobs; i++ {
		in <- job{i, i * 10}
	}
	close(in)
	wg.Wait()
	total := 0
	for _, r := range results {
		total += r
	}
	fmt.Println("pool: results[1..5] =", results[1:6], "total =", total)
}

func mutexCounter() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	perG := map[int]int{}
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				mu.Lock()
				counter++
				perG[id]++
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("mutex: counter =", counter, "goroutines =", len(perG))
}

func pingPong() {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, open := <-pong
	fmt.Println("pingpong: value =", v, "pong open =", open)
}

func pipeline() {
	gen := func(n int) <-chan int {
		out := make(chan int, 4)
		go func() {
			for i := 1; i <= n; i++ {
				out <- i
			}
			close(out)
		}()
		return out
	}
	sq := func(in <-chan int) <-chan int {
		out := make(chan int, 4)
		go func() {
			for v := range in {
				out <- v * v
			}
			close(out)
		}()
		return out
	}
	sum := 0
	for v := range sq(sq(gen(20))) {
		sum += v
	}
	fmt.Println("pipeline: sum of fourth powers 1..20 =", sum)
}

func main() {
	workerPool()
	mutexCounter()
	pingPong()
	pipeline()
	fmt.Println("goroutines: done")
}
