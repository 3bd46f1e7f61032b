// Command debrief is the Debrief command line: post-mortem reports as code,
// evidence from logs, and the service.
//
// Exit codes: 0 when all went well, 1 when a command reports findings (lint
// errors, files that fmt -l lists), 2 for a usage or I/O error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "devel"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is what every subcommand gets: its arguments, the standard streams and
// the environment.
type env struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) (string, bool)
}

// command is one subcommand of debrief.
type command struct {
	summary string
	run     func(ctx context.Context, e *env) error
}

// commands is the table of subcommands, the CLI's table of contents.
func commands() map[string]command {
	return map[string]command{
		"version": {"print the version of debrief", runVersion},
		"new":     {"write a new report from the template", runNew},
		"fmt":     {"rewrite reports in canonical form", runFmt},
		"show":    {"print a report as text or JSON", runShow},
		"logs":    {"find the incident's evidence in logs: window, error rate, users, top errors", runLogs},
		"import":  {"convert a report from another layout or JSON to canonical Markdown", runImport},
		"lint":    {"check reports: placeholders, dates, timeline, metrics, blame, action items", runLint},
		"metrics": {"print the metrics derived from a report's timeline, or write them in", runMetrics},
		"actions": {"list the action items of all reports, most urgent first", runActions},
		"stats":   {"aggregate reports: incidents, detection, resolution, downtime, follow-ups", runStats},
		"migrate": {"bring the database's schema up to date", runMigrate},
		"backup":  {"copy the whole database to a file", runBackup},
		"restore": {"load a backup into an empty database", runRestore},
		"export":  {"write every stored report as Markdown to a folder", runExport},
		"load":    {"store Markdown reports in the database", runLoad},
		"push":    {"create or update the service's reports from a folder, reporting conflicts", runPush},
		"pull":    {"write the service's reports into a folder, reporting conflicts", runPull},
		"serve":   {"run the service: REST API and web pages, on SQLite or PostgreSQL", runServe},
		"user":    {"add and list users, set their role and password", runUser},
		"token":   {"make, list and revoke API tokens", runToken},
		"source":  {"add, list and remove alert sources (Alertmanager, generic webhooks)", runSource},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			if _, ok := cmds[args[1]]; ok {
				return run(ctx, []string{args[1], "--help"}, stdin, stdout, stderr)
			}
		}
		usage(stdout, cmds)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	if args[0] == "--version" {
		args = []string{"version"}
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return usageErrorf("unknown command %q", args[0])
	}
	return cmd.run(ctx, &env{args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.LookupEnv})
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "Debrief: blameless incident post-mortems as code.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: debrief COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, name := range names {
		fmt.Fprintf(w, "  %-9s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "debrief COMMAND --help" for the flags of a command.`)
}

func runVersion(_ context.Context, e *env) error {
	fs := newFlagSet("version", "", "Print the version of debrief.", e)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "debrief %s\n", version)
	return nil
}

// exitError carries an exit code; its message (if any) was already printed
// or is printed by exitCode.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// errUsage is returned after usage has been printed.
var errUsage = &exitError{code: 2}

// errFindings is returned when a command found problems it already reported.
var errFindings = &exitError{code: 1}

func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// exitCode prints err (when it has a message) and maps it to an exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "debrief: "+strings.TrimSpace(ee.msg))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "debrief: "+err.Error())
	return 2
}
