// Command hello greets the class and says where it runs: the runner starts a
// snippet in its own directory.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "getwd:", err)
		os.Exit(1)
	}
	fmt.Println("Hello, class!")
	fmt.Println("running in snippets/example/" + filepath.Base(wd))
}
