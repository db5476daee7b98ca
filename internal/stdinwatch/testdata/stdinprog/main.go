// Command stdinprog is a cell program for the stdinwatch tests: it reads its
// stdin in the ways notebook cells do. The first argument picks the way.
package main

import (
	"bufio"
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stdinprog MODE")
		os.Exit(2)
	}
	switch mode := os.Args[1]; mode {
	case "scanln":
		var name string
		fmt.Scanln(&name)
		fmt.Println("got", name)
	case "bufio":
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Print("got ", line)
	case "twice":
		var a, b string
		fmt.Scanln(&a)
		fmt.Println("first", a)
		fmt.Scanln(&b)
		fmt.Println("second", b)
	case "goroutine":
		// A goroutine waits for input while main keeps computing.
		in := make(chan string)
		go func() {
			line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
			in <- line
		}()
		sum := 0
		for {
			select {
			case line := <-in:
				fmt.Print("got ", line)
				return
			default:
				for i := range 100000 {
					sum += i
				}
			}
		}
	case "never":
		// Computes and sleeps, never touching stdin, until killed.
		fmt.Println("ready")
		for {
			time.Sleep(time.Millisecond)
		}
	case "flags":
		// Reports whether fd 0 is non-blocking, then reads a line.
		flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 0, syscall.F_GETFL, 0)
		if errno != 0 {
			fmt.Println("fcntl:", errno)
			os.Exit(1)
		}
		fmt.Println("nonblocking", flags&syscall.O_NONBLOCK != 0)
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Print("got ", line)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
}
