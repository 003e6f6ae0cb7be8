// Package cli is the mohalla command: its subcommands, their flags and what
// they print. cmd/mohalla only hands it the process's arguments; tests run it
// in-process.
package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Config is what the command reads and writes besides its arguments. Every field
// is optional; nil means the process's own.
type Config struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (DATABASE_URL). Default os.Getenv.
	Getenv func(string) string
	// Name is how the user runs the command, in the commands it prints for
	// them to run next ("./mohalla"). Default "mohalla".
	Name string
}

// CLI runs the mohalla subcommands.
type CLI struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	name           string
}

// New returns a CLI writing and reading what cfg says.
func New(cfg *Config) *CLI {
	if cfg == nil {
		cfg = &Config{}
	}
	c := &CLI{stdout: cfg.Stdout, stderr: cfg.Stderr, getenv: cfg.Getenv, name: cmp.Or(cfg.Name, "mohalla")}
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	if c.stderr == nil {
		c.stderr = os.Stderr
	}
	if c.getenv == nil {
		c.getenv = os.Getenv
	}
	return c
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

// commands lists the subcommands in the order usage shows them.
func (c *CLI) commands() []command {
	return []command{
		{"serve", "serve the HTTP API", c.serve},
		{"migrate", "bring the database schema up to date", c.migrate},
		{"seed", "fill the store with data (seed --demo)", c.seed},
		{"token", "print a signed JWT for a caller", c.token},
		{"import", "import products from a CSV or JSON Lines file through the API, resumably (import products FILE --shop ID)", c.importCmd},
		{"reindex", "rebuild this node's search index from the store", c.reindex},
		{"reconcile", "check now that the search index and cache agree with the store, and repair them", c.reconcile},
		{"replay", "queue new runs of a function for its past events", c.replay},
		{"audit", "list the audit trail, or verify its hash chain (audit list, audit verify)", c.audit},
		{"openapi", "print the OpenAPI document of the HTTP API", c.openapi},
		{"bench", "measure the node: bench orders, functions, search, live, reads, growth, import or scale", c.bench},
	}
}

// errUsage reports a usage error whose message and usage were already printed.
var errUsage = errors.New("usage")

// Run runs the subcommand args[0] with the rest of args and returns the exit
// code: 0 on success (and for -h), 1 if the subcommand failed, 2 for a usage
// error such as an unknown subcommand or flag. SIGINT and SIGTERM cancel ctx for
// the subcommand; a second signal ends the process at once.
func (c *CLI) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.usage()
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		c.usage()
		return 0
	}
	var cmd *command
	for _, k := range c.commands() {
		if k.name == args[0] {
			cmd = &k
		}
	}
	if cmd == nil {
		fmt.Fprintf(c.stderr, "mohalla: unknown command %q\n\n", args[0])
		c.usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	err := cmd.run(ctx, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(c.stderr, "mohalla %s: %v\n", cmd.name, err)
	return 1
}

func (c *CLI) usage() {
	var b strings.Builder
	b.WriteString("mohalla is the MohallaMart data layer.\n\nUsage:\n\n\tmohalla <command> [flags]\n\nCommands:\n\n")
	cmds := c.commands()
	width := 0
	for _, k := range cmds {
		width = max(width, len(k.name))
	}
	for _, k := range cmds {
		fmt.Fprintf(&b, "\t%-*s  %s\n", width, k.name, k.summary)
	}
	b.WriteString("\nRun 'mohalla <command> -h' for a command's flags.\n")
	io.WriteString(c.stderr, b.String())
}

// flagSet returns the flags of one subcommand, printing errors and usage to
// stderr. synopsis follows the command's name in the usage line.
func (c *CLI) flagSet(name, synopsis, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet("mohalla "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: mohalla %s %s\n\n%s\n\nFlags:\n", name, synopsis, doc)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, which must hold flags only. It returns errUsage (after
// printing why) or flag.ErrHelp for -h.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return usageErrorf(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// usageErrorf prints a usage error and fs's usage, and returns errUsage.
func usageErrorf(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), format+"\n", args...)
	fs.Usage()
	return errUsage
}
