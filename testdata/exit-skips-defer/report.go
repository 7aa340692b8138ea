// A command's main whose exits skip its deferred flush and removal.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	flag.Parse()
	tmp, err := os.MkdirTemp("", "report")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, name := range flag.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			log.Fatalf("reading %s: %v", name, err) // want `log.Fatalf skips the deferred os.RemoveAll\(tmp\) on line 18, which never runs \(and 1 more exits after it\)$`
		}
		if len(data) == 0 {
			log.Fatal("empty input: ", name)
		}
		fmt.Fprintf(w, "%s: %d bytes\n", name, len(data))
	}
	if flag.NArg() == 0 {
		return
	}
	fmt.Fprintln(w, "done")
}
