package newstd

import (
	"log"
	"os"
)

// yaegi extract writes these names for the symbols yaegi restricts
// (os.Exit panics, log.Fatal does not exit, ...) and defines them in its own
// stdlib package. The worker never loads them from here: yaegi's tables
// have every one of these symbols, and the worker takes from newstd only
// what those tables lack. So they are the plain functions.
var (
	osExit        = os.Exit
	osFindProcess = os.FindProcess
	logFatal      = log.Fatal
	logFatalf     = log.Fatalf
	logFatalln    = log.Fatalln
	logNew        = log.New
)

type logLogger = log.Logger
