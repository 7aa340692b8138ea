// Exits in functions other than main and TestMain: reported only.
package library

import (
	"bufio"
	"context"
	"io"
	"log"
	"os"
	"runtime/pprof"
	"time"
)

func Dump(out io.Writer, lines []string) {
	w := bufio.NewWriter(out)
	defer func() {
		if err := w.Flush(); err != nil {
			log.Print(err)
		}
	}()
	for _, l := range lines {
		if _, err := w.WriteString(l); err != nil {
			log.Fatal(err) // want `log.Fatal skips the deferred function literal on line \d+, which never runs \(no automatic fix: only in main and TestMain can an exit become a return; a caller of this function may rely on it\)`
		}
	}
}

// Negatives: nothing queued is lost.

func Cancel(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	if ctx.Err() != nil {
		log.Fatal(ctx.Err())
	}
}

func ReadOnly(name string) {
	f, err := os.Open(name)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Stat(); err != nil {
		log.Fatal(err)
	}
}

func ExitFirst(out io.Writer) {
	if out == nil {
		os.Exit(1)
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	w.WriteString("x")
}

func InGoroutine(out io.Writer, done chan struct{}) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	go func() {
		<-done
		os.Exit(0)
	}()
	w.WriteString("x")
}

// A CPU profile is written out by StopCPUProfile: the exit loses it.
func Profile(out io.Writer, work func() error) {
	if err := pprof.StartCPUProfile(out); err != nil {
		log.Fatal(err)
	}
	defer pprof.StopCPUProfile()
	if err := work(); err != nil {
		log.Fatal(err) // want `log.Fatal skips the deferred pprof.StopCPUProfile\(\) on line \d+, which never runs \(no automatic fix`
	}
}
