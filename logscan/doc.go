// Package logscan reads the logs of an incident and finds its evidence: when
// errors rose above their usual rate, when they peaked and when they went
// back, how many requests failed, how many distinct users were affected and
// which error messages dominated.
//
// Each input file has its format detected from its first lines (access logs
// in the common and combined layouts, JSON lines, Docker and Kubernetes
// json-file records, logfmt, RFC 3164 and RFC 5424 syslog, HAProxy, and lines
// that start with a timestamp and a level word). Files are read in large
// blocks that end at a newline; one worker per core decodes whole blocks with
// hand-written byte scanning and aggregates into its own counters, and the
// counters are merged at the end. Memory is bounded by the number of blocks in
// flight and by fixed caps on per-time cells, templates and examples; only the
// set of distinct failing users grows with the input, and it turns into a
// HyperLogLog sketch when it passes a budget.
//
// Lines that cannot be decoded never stop a run: they are counted and a few
// are kept, with file and line number, for the report.
package logscan
