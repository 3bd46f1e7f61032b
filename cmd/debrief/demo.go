package main

import (
	"context"
	"errors"
	"net/url"

	"github.com/debrief-oss/debrief/sqlstore"
)

// loadDemo fills a new database with example reports and users and prints
// how to sign in.
func loadDemo(ctx context.Context, e *env, store *sqlstore.Store, base *url.URL) error {
	return errors.New("serve: --demo: the example reports are not part of this build yet")
}
