package sqlstore

import "golang.org/x/text/cases"

// fold returns s case-folded by Unicode's rules, for text that filters
// compare without regard to case: "Émile Zola", "ÉMILE ZOLA" and
// "émile zola" fold alike, as do "Straße" and "STRASSE"; accents and other
// differences remain. The store keeps a folded copy of each such column
// (see foldedColumns) and folds the filter's text the same way, so both
// databases compare alike whatever their locale, and the schema needs no
// function of Debrief's own.
func fold(s string) string {
	// A Caser keeps state between calls: one per call.
	return cases.Fold().String(s)
}

// foldedColumn is a column that holds fold of another column of its table.
type foldedColumn struct {
	table, column, fold string
}

// foldedColumns are the columns the store writes as fold of another.
var foldedColumns = []foldedColumn{
	{"reports", "author", "author_fold"},
	{"report_items", "text", "text_fold"},
	{"action_items", "owner", "owner_fold"},
}
