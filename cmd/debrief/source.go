package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/debrief-oss/debrief"
)

func runSource(ctx context.Context, e *env) error {
	return subcommands(ctx, e, "source", map[string]command{
		"add":    {"add an alert source; prints only its secret", runSourceAdd},
		"list":   {"list the alert sources and their hooks", runSourceList},
		"remove": {"remove an alert source: its hook refuses everything after", runSourceRemove},
	})
}

func runSourceAdd(ctx context.Context, e *env) error {
	fs := newFlagSet("source add", "NAME", `Add an alert source and print its secret, alone on standard output (for
scripts: SECRET=$(debrief source add ...)). Its notifications are posted to
/api/v1/hooks/KIND/NAME with "Authorization: Bearer SECRET", or signed with
X-Debrief-Signature (see docs/alerts.md). Only a hash of the secret is
stored: it cannot be shown again.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	kind := fs.String("kind", string(debrief.SourceAlertmanager), "`kind` of notifications: alertmanager, or generic (Debrief's own alert JSON)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("source add: want NAME")
	}
	s, ctx, err := openUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	secret, src, err := s.CreateSource(ctx, fs.Arg(0), debrief.SourceKind(*kind))
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "source %q (%s): post its notifications to /api/v1/hooks/%s/%s\n", src.Name, src.Kind, src.Kind, src.Name)
	return nil
}

func runSourceList(ctx context.Context, e *env) error {
	fs := newFlagSet("source list", "", "List the alert sources: name, kind, hook, when made and by whom. Secrets are never shown.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageErrorf("source list takes no arguments")
	}
	s, ctx, err := openUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Sources(ctx)
	if err != nil {
		return storeError(err)
	}
	tw := tabwriter.NewWriter(e.textOutput(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tHOOK\tCREATED\tBY")
	for _, src := range list {
		fmt.Fprintf(tw, "%s\t%s\t/api/v1/hooks/%s/%s\t%s\t%s\n", src.Name, src.Kind, src.Kind, src.Name, src.CreatedAt.UTC().Format("2006-01-02 15:04"), src.CreatedBy)
	}
	return tw.Flush()
}

func runSourceRemove(ctx context.Context, e *env) error {
	fs := newFlagSet("source remove", "NAME", "Remove an alert source. The reports it opened stay.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("source remove: want NAME")
	}
	s, ctx, err := openUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.DeleteSource(ctx, fs.Arg(0)); err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stderr, "source %q removed\n", fs.Arg(0))
	return nil
}
