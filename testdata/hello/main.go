// hello is the canonical program: start-up, one write, exit 0.
package main

import "fmt"

func main() {
	fmt.Println("hi,world")
}
