package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/password"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/debrief-oss/debrief/web"
	"golang.org/x/term"
)

// subcommands runs one of a group of subcommands ("user add", "token list").
func subcommands(ctx context.Context, e *env, group string, cmds map[string]command) error {
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		w := e.stdout
		if len(e.args) == 0 {
			w = e.stderr
		}
		names := make([]string, 0, len(cmds))
		for n := range cmds {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(w, "Usage: debrief %s COMMAND [flags] [args]\n\nCommands:\n", group)
		for _, n := range names {
			fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
		}
		fmt.Fprintf(w, "\nRun \"debrief %s COMMAND --help\" for the flags of a command.\n", group)
		if len(e.args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, ok := cmds[e.args[0]]
	if !ok {
		return usageErrorf("%s: unknown command %q", group, e.args[0])
	}
	sub := *e
	sub.args = e.args[1:]
	return cmd.run(ctx, &sub)
}

func runUser(ctx context.Context, e *env) error {
	return subcommands(ctx, e, "user", map[string]command{
		"add":          {"add a user", runUserAdd},
		"list":         {"list the users", runUserList},
		"set-role":     {"change a user's role", runUserSetRole},
		"set-password": {"set a user's password (it ends their sessions)", runUserSetPassword},
	})
}

func runToken(ctx context.Context, e *env) error {
	return subcommands(ctx, e, "token", map[string]command{
		"create": {"make an API token for a user; prints only its secret", runTokenCreate},
		"list":   {"list a user's API tokens", runTokenList},
		"revoke": {"revoke an API token", runTokenRevoke},
	})
}

// roleHelp documents --role.
const roleHelp = "`role`: viewer, editor, reviewer or admin"

// openUsers opens the database of a user or token command, migrated, with
// the command line's system context.
func openUsers(ctx context.Context, dsn string) (*sqlstore.Store, context.Context, error) {
	s, err := openDB(ctx, dsn, true)
	if err != nil {
		return nil, nil, err
	}
	return s, cliContext(ctx), nil
}

func runUserAdd(ctx context.Context, e *env) error {
	fs := newFlagSet("user add", "EMAIL [NAME]", `Add a user. With --password-stdin the password is read from standard input
(its first line); without, the user signs in only with API tokens until a
password is set.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	role := fs.String("role", "", roleHelp+" (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return usageErrorf("user add: want EMAIL and an optional NAME")
	}
	if !debrief.Role(*role).Valid() {
		return usageErrorf("user add: --role %q: want viewer, editor, reviewer or admin", *role)
	}
	u := &debrief.User{Email: fs.Arg(0), Name: fs.Arg(1), Role: debrief.Role(*role)}
	if *pwStdin {
		hash, err := readNewPassword(e)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	s, ctx, err := openUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CreateUser(ctx, u); err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) as %s, user %d\n", u.Email, or(u.Name, "no name"), u.Role, u.ID)
	return nil
}

// readNewPassword reads a password from the first line of standard input,
// checks it and hashes it.
func readNewPassword(e *env) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(e.stdin, password.MaxLength+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := password.Check(pw); err != nil {
		return "", usageErrorf("%v", err)
	}
	return password.Hash(pw, password.Default)
}

func runUserList(ctx context.Context, e *env) error {
	fs := newFlagSet("user list", "", "List the users: email, name, role and whether they have a password.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	s, ctx, err := openUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	tw := tabwriter.NewWriter(e.textOutput(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tPASSWORD")
	f := debrief.UserFilter{Limit: 1000}
	for {
		page, err := s.Users(ctx, f)
		if err != nil {
			return storeError(err)
		}
		for _, u := range page.Items {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, or(u.Name, "-"), u.Role, map[bool]string{true: "yes", false: "no"}[u.PasswordHash != ""])
		}
		if f.Cursor = page.Next; f.Cursor == "" {
			break
		}
	}
	return tw.Flush()
}

// withUser opens the database of dsn and runs fn with the user of email,
// in the command line's system context.
func withUser(ctx context.Context, dsn, email string, fn func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error) error {
	s, ctx, err := openUsers(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return storeError(err)
	}
	return fn(ctx, s, u)
}

func runUserSetRole(ctx context.Context, e *env) error {
	fs := newFlagSet("user set-role", "EMAIL ROLE", "Change a user's role: viewer, editor, reviewer or admin. The last admin keeps the role.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageErrorf("user set-role: want EMAIL and ROLE")
	}
	return withUser(ctx, *db, fs.Arg(0), func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error {
		if err := s.SetUserRole(ctx, u.ID, debrief.Role(fs.Arg(1))); err != nil {
			return storeError(err)
		}
		fmt.Fprintf(e.stdout, "%s is now %s\n", u.Email, fs.Arg(1))
		return nil
	})
}

func runUserSetPassword(ctx context.Context, e *env) error {
	fs := newFlagSet("user set-password", "EMAIL", `Set a user's password, which ends their sessions. The password is read from
standard input with --password-stdin, or else asked for on the terminal.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("user set-password: want EMAIL")
	}
	var hash string
	var err error
	if *pwStdin {
		hash, err = readNewPassword(e)
	} else {
		hash, err = askNewPassword(e)
	}
	if err != nil {
		return err
	}
	return withUser(ctx, *db, fs.Arg(0), func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error {
		if err := s.SetUserPassword(ctx, u.ID, hash); err != nil {
			return storeError(err)
		}
		fmt.Fprintf(e.stdout, "password set for %s; their sessions ended\n", u.Email)
		return nil
	})
}

// askNewPassword asks for a password twice on the terminal.
func askNewPassword(e *env) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageErrorf("standard input is not a terminal: give the password with --password-stdin")
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		return string(b), err
	}
	pw, err := ask("New password: ")
	if err != nil {
		return "", err
	}
	if err := password.Check(pw); err != nil {
		return "", usageErrorf("%v", err)
	}
	again, err := ask("Again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", usageErrorf("the two passwords differ")
	}
	return password.Hash(pw, password.Default)
}

func runTokenCreate(ctx context.Context, e *env) error {
	fs := newFlagSet("token create", "EMAIL NAME", `Make an API token for the user and print its secret, alone on standard output
(for scripts: TOKEN=$(debrief token create ...)). The secret is not stored and
cannot be shown again.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	expires := fs.String("expires", "", "lifetime such as 90d or 12h (default: never expires)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageErrorf("token create: want EMAIL and NAME")
	}
	var until time.Time
	if *expires != "" {
		d, err := web.ParseLifetime(*expires)
		if err != nil {
			return usageErrorf("token create: --expires: %v", err)
		}
		until = time.Now().Add(d)
	}
	return withUser(ctx, *db, fs.Arg(0), func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error {
		secret, tok, err := s.CreateAPIToken(ctx, u.ID, fs.Arg(1), until)
		if err != nil {
			return storeError(err)
		}
		fmt.Fprintln(e.stdout, secret)
		when := "never expires"
		if !tok.ExpiresAt.IsZero() {
			when = "expires " + tok.ExpiresAt.Format(time.RFC3339)
		}
		fmt.Fprintf(e.stderr, "token %d %q for %s; %s\n", tok.ID, tok.Name, u.Email, when)
		return nil
	})
}

func runTokenList(ctx context.Context, e *env) error {
	fs := newFlagSet("token list", "EMAIL", "List a user's API tokens: id, name, when made, expires and last used.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("token list: want EMAIL")
	}
	return withUser(ctx, *db, fs.Arg(0), func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error {
		toks, err := s.APITokens(ctx, u.ID)
		if err != nil {
			return storeError(err)
		}
		day := func(t time.Time) string {
			if t.IsZero() {
				return "-"
			}
			return t.UTC().Format("2006-01-02 15:04")
		}
		tw := tabwriter.NewWriter(e.textOutput(), 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tLAST USED")
		for _, t := range toks {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, day(t.CreatedAt), day(t.ExpiresAt), day(t.LastUsed))
		}
		return tw.Flush()
	})
}

func runTokenRevoke(ctx context.Context, e *env) error {
	fs := newFlagSet("token revoke", "EMAIL ID", "Revoke one of a user's API tokens, by the ID that token list shows.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageErrorf("token revoke: want EMAIL and ID")
	}
	id, err := strconv.ParseInt(fs.Arg(1), 10, 64)
	if err != nil {
		return usageErrorf("token revoke: %q is not a token ID", fs.Arg(1))
	}
	return withUser(ctx, *db, fs.Arg(0), func(ctx context.Context, s *sqlstore.Store, u *debrief.User) error {
		if err := s.DeleteAPIToken(ctx, u.ID, id); err != nil {
			return storeError(err)
		}
		fmt.Fprintf(e.stdout, "revoked token %d of %s\n", id, u.Email)
		return nil
	})
}
